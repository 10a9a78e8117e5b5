/* Guided routine: one point at a time, with a compact timer fixed at the foot of the screen
 * while the current point (its name, picture and cautions) fills the screen above it; a cue to
 * switch sides and to move on (a beep and a buzz, each can be turned off); the screen kept
 * awake while the timer runs, where the browser allows; progress kept across a reload; the
 * steps reordered in place. Without JavaScript the page is a printable checklist whose "Move
 * earlier/later" links reorder it through the address. */
"use strict";

(() => {
  const routine = document.querySelector("[data-routine]");
  if (!routine) return;
  const list = routine.querySelector(".routine__steps");
  let steps = [...list.querySelectorAll(".routine-step")];
  if (!steps.length) return;

  const make = (tag, props = {}, children = []) => {
    const element = Object.assign(document.createElement(tag), props);
    element.append(...children);
    return element;
  };
  const clock = (seconds) =>
    `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;
  const store = (() => {
    try {
      const probe = "routine-probe";
      localStorage.setItem(probe, probe);
      localStorage.removeItem(probe);
      return localStorage;
    } catch {
      return null; // private mode or storage turned off: progress lasts until a reload
    }
  })();
  const routineKey = `routine:${steps.map((step) => step.dataset.slug).sort().join(",")}`;
  const settingsKey = "routine-settings";
  const read = (key) => {
    try {
      return JSON.parse(store?.getItem(key) ?? "null");
    } catch {
      return null;
    }
  };
  const write = (key, value) => store?.setItem(key, JSON.stringify(value));

  // The panel: settings and messages in the page, the timer bar fixed at the foot.
  const status = make("p", { className: "guide__status" });
  status.setAttribute("role", "status");
  const stepName = make("p", { className: "guide__step" });
  const time = make("p", { className: "guide__time" });
  const startPause = make("button", { type: "button", className: "button", textContent: "Start" });
  const previous = make("button", { type: "button", textContent: "Previous" });
  const next = make("button", { type: "button", textContent: "Next" });
  const settings = read(settingsKey) ?? { sound: true, vibrate: true };
  const soundBox = make("input", { type: "checkbox", id: "guide-sound", checked: settings.sound });
  const vibrateBox = make("input", { type: "checkbox", id: "guide-vibrate", checked: settings.vibrate });
  const cues = make("p", { className: "guide__cues" }, [
    make("label", { htmlFor: "guide-sound" }, [soundBox, " Beep at “switch sides” and “next”"]),
  ]);
  if (navigator.vibrate) {
    cues.append(make("label", { htmlFor: "guide-vibrate" }, [vibrateBox, " Vibrate too"]));
  }
  const awake = make("p", { className: "guide__awake" });
  const startOver = make("button", { type: "button", textContent: "Clear progress and go back to the first point" });
  const bar = make("div", { className: "guide__bar" }, [
    time,
    stepName,
    make("div", { className: "guide__buttons" }, [previous, startPause, next]),
  ]);
  const panel = make("section", { className: "guide" }, [
    make("h2", { textContent: "Guide me through it" }),
    make("p", {
      textContent:
        "The timer stays at the foot of the screen; the point you are pressing shows above it.",
    }),
    cues,
    awake,
    startOver,
    status,
    bar,
  ]);
  panel.setAttribute("aria-label", "Routine timer");
  list.before(panel);
  routine.classList.add("routine--guided");

  let index = 0;
  let side = 1;
  let remaining = 0;
  let endsAt = null; // while running: when the current side's time is up (ms)
  let timer = null;

  // Cues: a short beep (Web Audio, started from the reader's Start tap) and a buzz.
  let audio = null;
  const cue = (pattern) => {
    if (vibrateBox.checked && navigator.vibrate) navigator.vibrate(pattern);
    if (!soundBox.checked || !audio) return;
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 660;
    volume.gain.setValueAtTime(0.15, audio.currentTime);
    volume.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.6);
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.6);
  };
  const saveSettings = () =>
    write(settingsKey, { sound: soundBox.checked, vibrate: vibrateBox.checked });
  soundBox.addEventListener("change", saveSettings);
  vibrateBox.addEventListener("change", saveSettings);

  // Screen Wake Lock: keep the screen on while the timer runs, and say so either way.
  let wakeLock = null;
  const cannotKeepAwake =
    "This browser may let the screen dim or lock during the timer: tap it now and then, or lengthen its sleep time in your settings.";
  awake.textContent = "wakeLock" in navigator
    ? "The screen stays on while the timer runs."
    : cannotKeepAwake;
  const keepAwake = async () => {
    if (!("wakeLock" in navigator) || wakeLock) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => {
        wakeLock = null;
      });
      awake.textContent = "The screen stays on while the timer runs.";
    } catch {
      awake.textContent = cannotKeepAwake;
    }
  };
  const letSleep = () => {
    wakeLock?.release();
    wakeLock = null;
  };
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && timer) keepAwake();
  });

  const current = () => steps[index];
  const sides = () => Number(current().dataset.sides);
  const doneBox = (step) => step.querySelector(".routine-step__done input");

  const save = () =>
    write(routineKey, {
      slug: current().dataset.slug,
      side,
      remaining,
      done: steps.filter((step) => doneBox(step)?.checked).map((step) => step.dataset.slug),
    });

  const show = () => {
    steps.forEach((step, number) => {
      step.classList.toggle("routine-step--current", number === index);
      if (number === index) step.setAttribute("aria-current", "step");
      else step.removeAttribute("aria-current");
    });
    const sideText = sides() === 2 ? ` (side ${side} of 2)` : "";
    stepName.textContent = `Point ${index + 1} of ${steps.length}: ${current().dataset.name}${sideText}`;
    time.textContent = clock(remaining);
    previous.disabled = index === 0;
    next.disabled = index === steps.length - 1;
  };

  const stop = () => {
    clearInterval(timer);
    timer = null;
    endsAt = null;
    startPause.textContent = "Start";
    letSleep();
  };

  const still = window.matchMedia("(prefers-reduced-motion: reduce)");
  const bringIntoView = () => {
    current().scrollIntoView({ behavior: still.matches ? "auto" : "smooth", block: "start" });
  };

  const load = (number, { scroll = true } = {}) => {
    stop();
    index = number;
    side = 1;
    remaining = Number(current().dataset.seconds);
    show();
    save();
    if (scroll) bringIntoView();
  };

  const tick = () => {
    remaining = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    if (remaining > 0) {
      time.textContent = clock(remaining);
      save();
      return;
    }
    if (side < sides()) {
      cue([200, 100, 200]);
      side += 1;
      remaining = Number(current().dataset.seconds);
      endsAt = Date.now() + remaining * 1000;
      status.textContent = "Switch to the other side, and take your time.";
      show();
      save();
      return;
    }
    cue(400);
    stop();
    const checkbox = doneBox(current());
    if (checkbox) checkbox.checked = true;
    if (index < steps.length - 1) {
      load(index + 1);
      status.textContent = `Ready for the next point: ${current().dataset.name}. Press Start when you are.`;
    } else {
      remaining = 0;
      save();
      status.textContent = "That was the last point. Take your time getting up.";
      time.textContent = clock(0);
    }
  };

  startPause.addEventListener("click", () => {
    if (timer) {
      stop();
      save();
      status.textContent = "Paused.";
      return;
    }
    if (!audio && window.AudioContext) audio = new AudioContext();
    audio?.resume();
    if (remaining <= 0) remaining = Number(current().dataset.seconds);
    status.textContent = `Pressing ${current().dataset.name}.`;
    startPause.textContent = "Pause";
    endsAt = Date.now() + remaining * 1000;
    timer = setInterval(tick, 250);
    keepAwake();
    bringIntoView();
  });
  previous.addEventListener("click", () => load(index - 1));
  next.addEventListener("click", () => load(index + 1));
  startOver.addEventListener("click", () => {
    steps.forEach((step) => {
      const box = doneBox(step);
      if (box) box.checked = false;
    });
    status.textContent = "Starting again from the first point.";
    load(0);
  });
  list.addEventListener("change", (event) => {
    if (event.target.matches(".routine-step__done input")) save();
  });

  // Reordering in place: the same "Move earlier/later" links, without a page load.
  const moveLink = (step, offset) => {
    const slugs = steps.map((each) => each.dataset.slug);
    const at = steps.indexOf(step);
    [slugs[at], slugs[at + offset]] = [slugs[at + offset], slugs[at]];
    const query = new URLSearchParams(slugs.map((slug) => ["points", slug]));
    const code = step.dataset.name.split(" ")[0];
    const link = make("a", { href: `${location.pathname}?${query}` }, [
      offset < 0 ? "Move earlier " : "Move later ",
      make("span", { className: "visually-hidden", textContent: code }),
    ]);
    link.dataset.move = String(offset);
    return link;
  };
  const renderMoves = () =>
    steps.forEach((step, at) => {
      const links = [];
      if (at > 0) links.push(moveLink(step, -1));
      if (at < steps.length - 1) links.push(moveLink(step, 1));
      step.querySelector(".routine-step__move")?.replaceChildren(...links);
    });
  list.addEventListener("click", (event) => {
    const link = event.target.closest("[data-move]");
    if (!link) return;
    event.preventDefault();
    const step = link.closest(".routine-step");
    const offset = Number(link.dataset.move);
    const at = steps.indexOf(step);
    const running = current();
    if (offset < 0) steps[at - 1].before(step);
    else steps[at + 1].after(step);
    steps = [...list.querySelectorAll(".routine-step")];
    index = steps.indexOf(running);
    renderMoves();
    history.replaceState(history.state, "", link.href);
    show();
    save();
    const again = step.querySelector(`[data-move="${offset}"]`) ?? step.querySelector("[data-move]");
    again?.focus();
    status.textContent = `${step.dataset.name} is now point ${steps.indexOf(step) + 1} of ${steps.length}.`;
  });

  // Carry on where the reader was before a reload.
  const saved = read(routineKey);
  const resumeAt = saved ? steps.findIndex((step) => step.dataset.slug === saved.slug) : -1;
  if (resumeAt >= 0) {
    steps.forEach((step) => {
      const box = doneBox(step);
      if (box) box.checked = saved.done?.includes(step.dataset.slug) ?? false;
    });
    index = resumeAt;
    side = Math.min(Math.max(Number(saved.side) || 1, 1), sides());
    const full = Number(current().dataset.seconds);
    remaining = Math.min(Math.max(Number(saved.remaining) || 0, 0), full) || full;
    show();
    status.textContent = `Welcome back: carrying on with point ${index + 1} of ${steps.length}, ${current().dataset.name}. Press Start when you are ready.`;
    if (index > 0 || side > 1 || remaining < full) bringIntoView();
  } else {
    load(0, { scroll: false });
  }
})();
