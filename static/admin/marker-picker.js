/* Click a figure of the body map on a point's form to set the point's place, in percent.
 *
 * <img data-marker-picker="map"> fills the nearest inputs named ...map_x / ...map_y, and
 * data-view="front" also sets the ...map_view select. (Pictures in the library get their focal
 * point and markers from picture-picker.js.) The fields stay editable by hand, so the keyboard works too; this only
 * saves measuring. */
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const picture of document.querySelectorAll("img[data-marker-picker]")) {
    const prefix = picture.dataset.markerPicker || "marker";
    const scope = picture.closest(".inline-related, fieldset, form") || document;
    const inputX = scope.querySelector(`input[name$="${prefix}_x"]`);
    const inputY = scope.querySelector(`input[name$="${prefix}_y"]`);
    const viewSelect = scope.querySelector(`select[name$="${prefix}_view"]`);
    const view = picture.dataset.view;
    if (!inputX || !inputY) continue;

    const frame = document.createElement("span");
    frame.className = "marker-picker-frame";
    picture.replaceWith(frame);
    frame.append(picture);
    const dot = document.createElement("span");
    dot.className = "marker-picker-dot";
    dot.hidden = true;
    frame.append(dot);

    const showDot = () => {
      const x = parseFloat(inputX.value);
      const y = parseFloat(inputY.value);
      const otherView = view && viewSelect && viewSelect.value !== view;
      dot.hidden = Number.isNaN(x) || Number.isNaN(y) || otherView;
      dot.style.left = `${x}%`;
      dot.style.top = `${y}%`;
    };

    picture.addEventListener("click", (event) => {
      const box = picture.getBoundingClientRect();
      inputX.value = (((event.clientX - box.left) / box.width) * 100).toFixed(2);
      inputY.value = (((event.clientY - box.top) / box.height) * 100).toFixed(2);
      if (view && viewSelect) viewSelect.value = view;
      for (const input of [inputX, inputY, viewSelect]) {
        if (input) input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
    for (const input of [inputX, inputY, viewSelect]) {
      if (!input) continue;
      input.addEventListener("input", showDot);
      input.addEventListener("change", showDot);
    }
    showDot();
  }
});
