// Live preview of editors' formatted text (points/admin/formatting.py): as an editor types in
// a formatted text box, the text is posted to the admin's preview endpoint (staff only, with the
// form's CSRF token) and the HTML readers would get is shown under the box. The preview of the
// text as it was is rendered with the form; without this script the box, that preview and the
// help panel work as they are. Listens on the document, so the boxes of
// sections added with "Add another" get a preview too.
(function () {
  "use strict";

  var DELAY_MS = 300;
  var timers = new WeakMap();
  var latest = new WeakMap();
  var pending = new Set();

  function previewFor(box) {
    var wrapper = box.closest(".formatted-text");
    return wrapper && wrapper.querySelector(".formatted-text__preview");
  }

  function csrfToken(box) {
    var form = box.form || document;
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function show(preview, html, message) {
    var body = preview.querySelector(".formatted-text__preview-body");
    preview.hidden = false;
    if (message) {
      body.textContent = message;
      preview.classList.add("formatted-text__preview--error");
      return;
    }
    preview.classList.remove("formatted-text__preview--error");
    // The server sanitised this HTML (nh3, allow-list): it is what readers would get.
    body.innerHTML = html;
  }

  function refresh(box) {
    var preview = previewFor(box);
    if (!preview) {
      return;
    }
    if (!box.value.trim()) {
      preview.hidden = true;
      return;
    }
    var request = {};
    latest.set(box, request);
    fetch(box.dataset.previewUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(box)},
      body: new URLSearchParams({text: box.value}),
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return {ok: response.ok, data: data};
        });
      })
      .then(function (result) {
        if (latest.get(box) !== request) {
          return; // an answer to older text: a newer one is on its way
        }
        if (!result.ok) {
          show(preview, "", result.data.error || "The preview is not available.");
          return;
        }
        show(preview, result.data.html);
      })
      .catch(function () {
        show(preview, "", "The preview is not available just now; your text is not affected.");
      });
  }

  function schedule(box) {
    clearTimeout(timers.get(box));
    var timer = setTimeout(function () {
      pending.delete(timer);
      refresh(box);
    }, DELAY_MS);
    pending.add(timer);
    timers.set(box, timer);
  }

  // Saving the form: no preview is asked for any more (the page is going away).
  document.addEventListener("submit", function () {
    pending.forEach(clearTimeout);
    pending.clear();
  });

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-formatted-text]")) {
      schedule(event.target);
    }
  });

  // "Place a picture from the library": Django's lookup popup (RelatedObjectLookups.js) puts
  // the chosen picture's number in the hidden input beside the box and signals it with a
  // jQuery "change"; its code goes on a line of its own where the cursor is.
  function placePicture(input) {
    // "id_sections-2-body__picture" is beside "id_sections-2-body" (ids of a row added with
    // "Add another" are renumbered together by Django's inline script).
    var box = document.getElementById(input.id.replace(/__picture$/, ""));
    if (!box || !input.value) {
      return;
    }
    var code = "[[picture:" + input.value + "]]";
    var at = box.selectionEnd || box.value.length;
    var before = box.value.slice(0, at).replace(/\s*$/, "");
    var after = box.value.slice(at).replace(/^\s*/, "");
    box.value = (before ? before + "\n\n" : "") + code + (after ? "\n\n" + after : "\n");
    input.value = "";
    box.focus();
    var end = (before ? before.length + 2 : 0) + code.length;
    box.setSelectionRange(end, end);
    box.dispatchEvent(new Event("input", {bubbles: true}));
  }

  // Django's jQuery may load after this script.
  document.addEventListener("DOMContentLoaded", function () {
    if (window.django && window.django.jQuery) {
      window.django.jQuery(document).on("change", "input[data-picture-for]", function () {
        placePicture(this);
      });
    }
  });

})();
