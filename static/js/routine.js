/* Guided routine: one point at a time, with a timer, a cue to switch sides and a cue to move
 * on. Without JavaScript the page is a printable checklist; this only adds the guide. */
"use strict";

(() => {
  const routine = document.querySelector("[data-routine]");
  if (!routine) return;
  const steps = [...routine.querySelectorAll(".routine-step")];
  if (!steps.length) return;

  const make = (tag, props = {}, children = []) => {
    const element = Object.assign(document.createElement(tag), props);
    element.append(...children);
    return element;
  };
  const clock = (seconds) =>
    `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;

  const status = make("p", { className: "guide__status" });
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  const stepName = make("p", { className: "guide__step" });
  const time = make("p", { className: "guide__time" });
  const startPause = make("button", { type: "button", className: "button", textContent: "Start" });
  const previous = make("button", { type: "button", textContent: "Previous point" });
  const next = make("button", { type: "button", textContent: "Next point" });
  const soundBox = make("input", { type: "checkbox", id: "guide-sound" });
  const soundLabel = make("label", { htmlFor: "guide-sound" }, [soundBox, " Soft sound cue"]);
  const panel = make("section", { className: "guide" }, [
    make("h2", { textContent: "Guide me through it" }),
    stepName,
    time,
    make("div", { className: "guide__buttons" }, [previous, startPause, next]),
    soundLabel,
    status,
  ]);
  panel.setAttribute("aria-label", "Routine timer");
  routine.querySelector(".routine__steps").before(panel);

  let index = 0;
  let side = 1;
  let remaining = 0;
  let timer = null;

  const chime = () => {
    if (navigator.vibrate) navigator.vibrate(150);
    if (!soundBox.checked || !window.AudioContext) return;
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 528;
    volume.gain.setValueAtTime(0.08, audio.currentTime);
    volume.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.8);
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.8);
  };

  const current = () => steps[index];
  const sides = () => Number(current().dataset.sides);

  const show = () => {
    steps.forEach((step, number) => step.classList.toggle("routine-step--current", number === index));
    const sideText = sides() === 2 ? ` (side ${side} of 2)` : "";
    stepName.textContent = `Point ${index + 1} of ${steps.length}: ${current().dataset.name}${sideText}`;
    time.textContent = clock(remaining);
    previous.disabled = index === 0;
    next.disabled = index === steps.length - 1;
  };

  const stop = () => {
    clearInterval(timer);
    timer = null;
    startPause.textContent = "Start";
  };

  const load = (number) => {
    stop();
    index = number;
    side = 1;
    remaining = Number(current().dataset.seconds);
    show();
    current().scrollIntoView({ behavior: "smooth", block: "center" });
  };

  const tick = () => {
    remaining -= 1;
    if (remaining > 0) {
      time.textContent = clock(remaining);
      return;
    }
    chime();
    if (side < sides()) {
      side += 1;
      remaining = Number(current().dataset.seconds);
      status.textContent = "Switch to the other side, and take your time.";
      show();
      return;
    }
    stop();
    const checkbox = current().querySelector(".routine-step__done input");
    if (checkbox) checkbox.checked = true;
    if (index < steps.length - 1) {
      status.textContent = "Well done. Rest a moment, then move on to the next point.";
      load(index + 1);
      status.textContent = `Ready for the next point: ${current().dataset.name}. Press Start when you are.`;
    } else {
      status.textContent = "That was the last point. Take your time getting up.";
      time.textContent = clock(0);
    }
  };

  startPause.addEventListener("click", () => {
    if (timer) {
      stop();
      status.textContent = "Paused.";
      return;
    }
    status.textContent = `Pressing ${current().dataset.name}.`;
    startPause.textContent = "Pause";
    timer = setInterval(tick, 1000);
  });
  previous.addEventListener("click", () => load(index - 1));
  next.addEventListener("click", () => load(index + 1));

  load(0);
  window.scrollTo(0, 0);
})();
