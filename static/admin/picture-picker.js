/* The picture library's change form: click the picture to set its focal point, or where a
 * point is (a marker). "What a click sets" chooses which: the focal point, or one of the
 * marker rows below (each named by its point). The number fields stay editable by hand, so the
 * keyboard works too; this only saves measuring. Without JavaScript the fields are typed in.
 * On the add form too: alternative text is asked for before the file is sent. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Alternative text is needed unless the picture is decorative: asked for before the file is
  // sent (a form sent back for it needs its file chosen again). The admin's forms are
  // "novalidate", so the browser's own check of `required` never runs: this asks instead.
  const altText = document.querySelector("textarea[name='alt_text']");
  const decorative = document.querySelector("input[name='is_decorative']");
  if (altText && decorative) {
    const requireAltText = () => { altText.required = !decorative.checked; };
    decorative.addEventListener("change", requireAltText);
    requireAltText();
    altText.addEventListener("input", () => altText.setCustomValidity(""));
    altText.form.addEventListener("submit", (event) => {
      if (decorative.checked || altText.value.trim()) return;
      event.preventDefault();
      altText.setCustomValidity(
        "Describe the picture for readers who cannot see it, or tick “Decorative only”.");
      altText.reportValidity();
    });
  }

  const picture = document.querySelector("img[data-picture-picker]");
  const form = picture && picture.closest("form");
  if (!form) return;

  const frame = document.createElement("span");
  frame.className = "marker-picker-frame";
  picture.replaceWith(frame);
  frame.append(picture);

  // How the site's crops will look: a point card (4:3) and an author's round photo, kept on
  // the focal point as the site keeps it (in steps of 10%).
  const crops = document.createElement("div");
  crops.className = "crop-preview";
  crops.append("How crops look on the site: ");
  const cropImages = ["crop-preview__card", "crop-preview__square"].map((name) => {
    const crop = document.createElement("img");
    crop.src = picture.currentSrc || picture.src;
    crop.alt = name.endsWith("card") ? "Crop for a point card" : "Crop for a round photo";
    crop.className = name;
    crops.append(crop);
    return crop;
  });
  frame.after(crops);

  const label = document.createElement("label");
  label.className = "picture-picker-choice";
  label.textContent = "What a click on the picture sets: ";
  const choice = document.createElement("select");
  label.append(choice);
  frame.before(label);

  // Each target: a pair of inputs, and a name for the choice and the dot.
  const targets = () => {
    const found = [{ key: "focal", name: "Focal point", x: form.querySelector('input[name="focal_x"]'), y: form.querySelector('input[name="focal_y"]') }];
    // The marker rows by their inputs' names: Django's inline script marks the rows later.
    for (const x of form.querySelectorAll('input[name^="markers-"][name$="-x"]')) {
      if (x.name.includes("__prefix__")) continue;
      const row = x.closest("tr");
      const y = row && row.querySelector('input[name$="-y"]');
      const point = row.querySelector('select[name$="-point"]');
      const chosen = point && point.selectedOptions[0];
      const pointName = chosen && chosen.value ? chosen.textContent.trim() : "no point chosen yet";
      if (y) found.push({ key: x.name, name: `Marker ${found.length}: ${pointName}`, x, y });
    }
    return found.filter((target) => target.x && target.y);
  };

  const dots = new Map();
  const refresh = () => {
    const current = choice.value;
    choice.replaceChildren();
    const shown = new Set();
    for (const target of targets()) {
      choice.append(new Option(target.name, target.key, false, target.key === current));
      let dot = dots.get(target.key);
      if (!dot) {
        dot = document.createElement("span");
        dot.className = target.key === "focal" ? "marker-picker-dot marker-picker-dot--focal" : "marker-picker-dot";
        frame.append(dot);
        dots.set(target.key, dot);
      }
      const x = parseFloat(target.x.value);
      const y = parseFloat(target.y.value);
      dot.hidden = Number.isNaN(x) || Number.isNaN(y);
      dot.style.left = `${x}%`;
      dot.style.top = `${y}%`;
      dot.title = target.name;
      shown.add(target.key);
    }
    for (const [key, dot] of dots) if (!shown.has(key)) dot.hidden = true;
    const focal = targets()[0];
    const step = (input, fallback) => {
      const value = parseFloat(input.value);
      return Number.isNaN(value) ? fallback : Math.round(value / 10) * 10;
    };
    for (const crop of cropImages) {
      crop.style.objectPosition = `${step(focal.x, 50)}% ${step(focal.y, 50)}%`;
    }
  };

  picture.addEventListener("click", (event) => {
    const target = targets().find((candidate) => candidate.key === choice.value);
    if (!target) return;
    const box = picture.getBoundingClientRect();
    target.x.value = (((event.clientX - box.left) / box.width) * 100).toFixed(2);
    target.y.value = (((event.clientY - box.top) / box.height) * 100).toFixed(2);
    for (const input of [target.x, target.y]) input.dispatchEvent(new Event("change", { bubbles: true }));
    refresh();
  });
  // Typing in a marker row, or adding one, makes it the target of the next click.
  form.addEventListener("focusin", (event) => {
    const row = event.target.closest("tr");
    const x = row && row.querySelector('input[name^="markers-"][name$="-x"]');
    if (x) {
      refresh();
      choice.value = x.name;
    }
  });
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  document.addEventListener("formset:added", refresh);
  refresh();
});
