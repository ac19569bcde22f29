/*
 * js/math.js: typesets the formulas pymdownx.arithmatex (generic mode) wraps
 * in .arithmatex, with the vendored KaTeX that kbgen.js loads on such pages only.
 */
window.kbgen.define("math", [], function () {
  "use strict";

  var DELIMITERS = [
    { left: "\\(", right: "\\)", display: false },
    { left: "\\[", right: "\\]", display: true }
  ];

  function init(root) {
    if (typeof window.renderMathInElement !== "function") return;
    root.querySelectorAll(".arithmatex:not([data-kb-math])").forEach(function (node) {
      node.setAttribute("data-kb-math", "");
      window.renderMathInElement(node, { delimiters: DELIMITERS, throwOnError: false });
    });
  }

  return { init: init };
});
