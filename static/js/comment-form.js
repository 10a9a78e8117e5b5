/* The comment form's live character count: how many characters are left, a clear message
 * before the limit and past it, and no sending a text that is too long. The server checks
 * the limit too (points/forms.py), counting a line break as one character, as here. */
"use strict";

(() => {
  const text = document.querySelector("textarea[data-max-length]");
  if (!text) return;
  const limit = Number(text.dataset.maxLength);
  const warnAt = Math.max(limit - 200, 0);
  const number = (value) => value.toLocaleString("en-GB");

  const count = document.createElement("p");
  count.className = "char-count";
  count.id = `${text.id}_count`;
  // Screen readers hear the count only when it crosses a threshold, not at every key.
  const spoken = document.createElement("p");
  spoken.className = "visually-hidden";
  spoken.setAttribute("aria-live", "polite");
  text.after(count, spoken);
  const described = [text.getAttribute("aria-describedby"), count.id].filter(Boolean);
  text.setAttribute("aria-describedby", described.join(" "));

  let state = "";
  const update = () => {
    const length = [...text.value.replace(/\r\n/g, "\n")].length;
    const left = limit - length;
    let now = "ok";
    if (left < 0) {
      now = "over";
      count.textContent = `${number(-left)} character${left === -1 ? "" : "s"} over the limit of ${number(limit)}: please shorten your comment before sending it.`;
    } else if (length >= warnAt) {
      now = "near";
      count.textContent = `${number(left)} character${left === 1 ? "" : "s"} left of ${number(limit)}.`;
    } else {
      count.textContent = `${number(length)} of ${number(limit)} characters.`;
    }
    count.classList.toggle("char-count--near", now === "near");
    count.classList.toggle("char-count--over", now === "over");
    text.setCustomValidity(
      now === "over" ? `Your comment is ${number(-left)} characters too long. Please shorten it.` : "",
    );
    if (now !== state) {
      spoken.textContent = now === "ok" ? "" : count.textContent;
      state = now;
    }
  };
  text.addEventListener("input", update);
  update();
})();
