/* The change form of a page readers see (points/admin/publishing.py). Only enhances: without
 * JavaScript every button works and the server asks for what it needs.
 *
 * 1. Leaving the page with unsaved edits asks first (beforeunload). Saving, saving as a draft
 *    and discarding a draft do not; Preview opens a new tab, so the form stays changed. A form
 *    that came back with mistakes holds unsaved edits from the start.
 * 2. The main buttons say what they will do for the status chosen (data-label-published /
 *    data-label-draft: "Publish", "Publish changes" or "Save").
 * 3. "Yes, take this page off the site" shows only while the status is not Published or the
 *    publication date is moved into the future (the server requires it then). */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("#content-main form[method='post']");
  if (!form) return;

  // 1. Unsaved edits
  // A two-box chooser (conditions) sends every item in its "chosen" box, selected or not: Django
  // selects them all when the form is sent, so a Preview would otherwise look like an edit.
  const chosenBoxes = () => form.querySelectorAll("select.filtered[id$='_to'][name]");
  const snapshot = () => {
    const chooserNames = new Set([...chosenBoxes()].map((box) => box.name));
    const parts = [];
    for (const [name, value] of new FormData(form)) {
      if (name === "csrfmiddlewaretoken" || chooserNames.has(name)) continue;
      parts.push(`${name}=${value instanceof File ? value.name : value}`);
    }
    for (const box of chosenBoxes()) {
      for (const option of box.options) parts.push(`${box.name}=${option.value}`);
    }
    return parts.join("&");
  };
  let saved = null;
  let leaving = false;
  // Other scripts (prepopulated slugs, formatted-text previews) settle first.
  window.addEventListener("load", () => {
    saved = form.querySelector(".errornote, .errorlist") ? "" : snapshot();
  });
  form.addEventListener("submit", (event) => {
    const submitter = event.submitter;
    if (!submitter || submitter.getAttribute("formtarget") !== "_blank") leaving = true;
  });
  // A form sent but stopped (the browser's own checks) is still unsaved.
  form.addEventListener("invalid", () => { leaving = false; }, true);
  window.addEventListener("beforeunload", (event) => {
    if (leaving || saved === null || snapshot() === saved) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // 2. and 3. The chosen status
  const status = form.querySelector("select[name='status']");
  if (!status) return;
  const confirmation = form.querySelector("input[name='take_off_site']");
  const confirmationRow = confirmation && confirmation.closest(".form-row");
  // A publication date moved into the future takes a live page off the site too.
  const dateInputs = ["published_at_0", "published_at_1"].map(
    (name) => form.querySelector(`input[name='${name}']`));
  const initialDate = dateInputs.map((input) => input && input.value).join(" ");
  const dateMovedAhead = () => {
    const [day, time] = dateInputs.map((input) => (input ? input.value.trim() : ""));
    if (`${day} ${time}` === initialDate) return false;
    const when = new Date(`${day}T${time || "00:00"}`);
    return Number.isNaN(when.getTime()) || when > new Date();
  };
  const showStatus = () => {
    const published = status.value === "published";
    for (const element of form.querySelectorAll("[data-label-published]")) {
      const label = published ? element.dataset.labelPublished : element.dataset.labelDraft;
      if (element.tagName === "INPUT") element.value = label;
      else element.textContent = label;
    }
    if (confirmationRow) {
      const needed = !published || dateMovedAhead() || confirmation.checked;
      confirmationRow.hidden = !needed && !confirmationRow.querySelector(".errorlist");
    }
  };
  status.addEventListener("change", showStatus);
  for (const input of dateInputs) if (input) input.addEventListener("input", showStatus);
  showStatus();
});
