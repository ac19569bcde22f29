/*
 * js/page.js: copy buttons. An element with data-kb-copy="<id>" copies the
 * text of the element with that id (its <code> when it has one), e.g. a
 * paper's "Cite" button and its BibTeX block. A link keeps working without
 * JavaScript (href="#<id>"); with it, a click copies and says so.
 */
window.kbgen.define("page", ["dom"], function (dom) {
  "use strict";

  var ID_RE = /^[A-Za-z][\w-]*$/;

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      // Pages opened over plain http from another host have no clipboard API.
      var area = dom.el("textarea", { "aria-hidden": "true", readonly: true, "class": "kb-sr-only" });
      area.value = text;
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try {
        ok = document.execCommand("copy");
      } catch (e) {
        ok = false;
      }
      area.remove();
      if (ok) resolve();
      else reject(new Error("copy refused"));
    });
  }

  function status(button) {
    var live = button.nextElementSibling;
    if (!live || !live.classList.contains("kb-copy__status")) {
      live = dom.el("span", { "class": "kb-copy__status kb-reason", role: "status" });
      button.parentNode.insertBefore(live, button.nextSibling);
    }
    return live;
  }

  function bindCopy(button) {
    if (button.hasAttribute("data-kb-bound")) return;
    var id = button.getAttribute("data-kb-copy");
    if (!ID_RE.test(id || "")) return;
    button.setAttribute("data-kb-bound", "");
    button.addEventListener("click", function (ev) {
      var source = document.getElementById(id);
      if (!source) return;
      var code = source.querySelector("code");
      ev.preventDefault();
      var live = status(button);
      copyText((code || source).textContent.replace(/\s+$/, "") + "\n").then(function () {
        live.textContent = "Copied to the clipboard.";
      }, function () {
        live.textContent = "Could not copy: select the text below and copy it.";
        source.scrollIntoView({ block: "nearest" });
      });
      window.setTimeout(function () { live.textContent = ""; }, 4000);
    });
  }

  function init(root) {
    root.querySelectorAll("[data-kb-copy]").forEach(bindCopy);
  }

  return { init: init, copyText: copyText };
});
