/*
 * js/reading.js: what the reader has read, kept in this browser, and the
 * views of it: path checklists (ticks, progress, the next readable step,
 * keyboard use) and "Mark as read" buttons.
 *
 * localStorage["kbgen:read"] is a sorted JSON array of entity ids, shared by
 * every page and path; other tabs' changes arrive through the storage event.
 * Bad JSON or storage that cannot be used fall back to an in-memory copy.
 */
window.kbgen.define("reading", ["dom"], function (dom) {
  "use strict";

  var STORE_KEY = "kbgen:read";
  var memoryState = null;
  var bound = false;

  function storage() {
    try {
      return window.localStorage || null;
    } catch (e) {
      return null;
    }
  }

  function loadRead() {
    var s = storage();
    var raw = null;
    if (s) {
      try {
        raw = s.getItem(STORE_KEY);
      } catch (e) {
        raw = null;
      }
    }
    if (raw === null) return new Set(memoryState || []);
    try {
      var data = JSON.parse(raw);
      if (!Array.isArray(data)) return new Set();
      return new Set(data.filter(function (x) { return typeof x === "string"; }));
    } catch (e) {
      return new Set();
    }
  }

  function saveRead(set) {
    var list = Array.from(set).sort();
    memoryState = list;
    var s = storage();
    if (!s) return;
    try {
      s.setItem(STORE_KEY, JSON.stringify(list));
    } catch (e) {
      /* quota or privacy mode: keep the in-memory copy */
    }
  }

  function setRead(id, read) {
    var set = loadRead();
    if (read) set.add(id);
    else set.delete(id);
    saveRead(set);
    refresh();
  }

  function splitIds(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  /* ------------------------------------------------------------ keyboard
   * One Tab stop per step: the step's checkbox. Its links are reached with
   * the arrow keys (Right/Left), steps with Up/Down, Home and End; Tab goes
   * on to the next step. Everything stays reachable by a screen reader's
   * browse mode, which ignores tabindex. */

  function stepControls(step) {
    return Array.prototype.slice.call(step.querySelectorAll("input.kb-tick, a[href]"));
  }

  function focusStep(steps, index) {
    var step = steps[Math.max(0, Math.min(steps.length - 1, index))];
    var box = step && step.querySelector("input.kb-tick");
    if (box) box.focus();
  }

  function onListKey(list, ev) {
    var step = ev.target.closest && ev.target.closest(".kb-step");
    if (!step || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var steps = Array.prototype.slice.call(list.querySelectorAll(".kb-step"));
    var at = steps.indexOf(step);
    var controls = stepControls(step);
    var here = controls.indexOf(ev.target);
    var key = ev.key;
    if (key === "ArrowDown") focusStep(steps, at + 1);
    else if (key === "ArrowUp") focusStep(steps, at - 1);
    else if (key === "Home") focusStep(steps, 0);
    else if (key === "End") focusStep(steps, steps.length - 1);
    else if (key === "ArrowRight" && here < controls.length - 1) controls[here + 1].focus();
    else if (key === "ArrowLeft" && here > 0) controls[here - 1].focus();
    else return;
    ev.preventDefault();
  }

  function bindList(list) {
    if (list.hasAttribute("data-kb-keys")) return;
    list.setAttribute("data-kb-keys", "");
    list.querySelectorAll(".kb-step").forEach(function (step) {
      stepControls(step).forEach(function (control) {
        if (!control.classList.contains("kb-tick")) control.setAttribute("tabindex", "-1");
      });
    });
    var hintId = dom.nextId("kb-keys");
    var hint = dom.el("p", { "class": "kb-checklist__keys kb-reason", id: hintId },
      "Keyboard: Tab moves from step to step and Space ticks one; \u2192 and \u2190 reach a step\u2019s links, " +
      "\u2191 and \u2193 the other steps.");
    list.parentNode.insertBefore(hint, list);
    list.querySelectorAll("input.kb-tick").forEach(function (box) {
      var described = box.getAttribute("aria-describedby");
      box.setAttribute("aria-describedby", described ? described + " " + hintId : hintId);
    });
    list.addEventListener("keydown", function (ev) { onListKey(list, ev); });
  }

  /* ------------------------------------------------------------ binding */

  function bind(root) {
    root.querySelectorAll(".kb-step .kb-tick").forEach(function (box) {
      if (box.hasAttribute("data-kb-bound")) return;
      box.setAttribute("data-kb-bound", "");
      box.addEventListener("change", function () {
        var step = box.closest(".kb-step");
        var id = step && step.getAttribute("data-id");
        if (id) setRead(id, box.checked);
      });
    });
    root.querySelectorAll("ol.kb-checklist").forEach(bindList);
    root.querySelectorAll("button.kb-known[data-id]").forEach(function (button) {
      if (button.hasAttribute("data-kb-bound")) return;
      button.setAttribute("data-kb-bound", "");
      button.addEventListener("click", function () {
        var id = button.getAttribute("data-id");
        if (id) setRead(id, !loadRead().has(id));
      });
    });
  }

  /* ------------------------------------------------------------ views */

  function renderProgress(box, done, total, minutesLeft) {
    var text = box.querySelector(".kb-progress__text");
    var bar = box.querySelector("progress");
    if (!text || !bar) {
      dom.clear(box);
      text = dom.el("span", { "class": "kb-progress__text", "aria-live": "polite" });
      bar = dom.el("progress", { "class": "kb-progress__bar", "aria-label": "Reading progress" });
      box.appendChild(text);
      box.appendChild(bar);
    }
    var label = done + " / " + total + " read";
    if (minutesLeft !== null) label += " \u00b7 " + minutesLeft + " min left";
    text.textContent = label;
    bar.max = Math.max(total, 1);
    bar.value = done;
    bar.setAttribute("aria-valuetext", label);
  }

  function markNext(steps, next) {
    steps.forEach(function (step) {
      var isNext = step === next;
      step.classList.toggle("kb-next", isNext);
      if (isNext) step.setAttribute("aria-current", "step");
      else step.removeAttribute("aria-current");
      var badge = step.querySelector(".kb-next-badge");
      if (isNext && !badge) {
        badge = dom.el("span", { "class": "kb-next-badge", role: "img", "aria-label": "next readable step" }, "next");
        var label = step.querySelector("label");
        if (label && label.parentNode === step) step.insertBefore(badge, label.nextSibling);
        else step.insertBefore(badge, step.firstChild);
      } else if (!isNext && badge) {
        badge.remove();
      }
    });
  }

  /** Show the reading state everywhere on the page. */
  function refresh() {
    var read = loadRead();
    var steps = Array.prototype.slice.call(document.querySelectorAll(".kb-step[data-id]"));
    var onPage = new Set(steps.map(function (step) { return step.getAttribute("data-id"); }));
    var done = 0;
    var minutesLeft = 0;
    var anyMinutes = false;
    var next = null;
    steps.forEach(function (step) {
      var id = step.getAttribute("data-id");
      var isRead = read.has(id);
      var box = step.querySelector(".kb-tick");
      if (box) box.checked = isRead;
      step.classList.toggle("kb-done", isRead);
      var minutes = parseInt(step.getAttribute("data-minutes") || "", 10);
      if (!isNaN(minutes)) anyMinutes = true;
      if (isRead) {
        done += 1;
        return;
      }
      if (!isNaN(minutes)) minutesLeft += minutes;
      if (next === null && splitIds(step.getAttribute("data-prereqs")).every(function (p) {
        return read.has(p) || !onPage.has(p);
      })) next = step;
    });
    markNext(steps, next);
    document.querySelectorAll("[data-kb-progress]").forEach(function (box) {
      renderProgress(box, done, steps.length, anyMinutes ? minutesLeft : null);
    });
    document.querySelectorAll("button.kb-known[data-id]").forEach(function (button) {
      var isRead = read.has(button.getAttribute("data-id"));
      button.setAttribute("aria-pressed", isRead ? "true" : "false");
      button.textContent = isRead ? "Read \u2713 (undo)" : "Mark as read";
      button.classList.toggle("md-button--primary", isRead);
    });
  }

  function init(root) {
    bind(root);
    refresh();
    if (bound) return;
    bound = true;
    window.addEventListener("storage", function (ev) {
      if (ev.key === STORE_KEY || ev.key === null) refresh();
    });
  }

  return { init: init, refresh: refresh, loadRead: loadRead, setRead: setRead, STORE_KEY: STORE_KEY };
});
