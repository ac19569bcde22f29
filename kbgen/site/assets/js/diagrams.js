/*
 * js/diagrams.js: Mermaid, loaded on pages with a diagram only, and drawn to be read.
 *
 * kbgen.js puts a stand-in window.mermaid on every page; Material calls its
 * initialize() and then render() for each diagram, and render() lands here:
 * it loads the vendored Mermaid (which replaces the stand-in), initialises it
 * with Material's settings plus ours, and renders.
 *
 * Ours: diagrams keep their natural size (useMaxWidth: false) and scroll
 * sideways inside their box instead of shrinking to the column (14 px text at
 * any screen width); securityLevel "strict" (Mermaid's default), under
 * which `click X href "…"` still makes a node a link, while callbacks and
 * HTML in labels stay off. Those links are written for directory URLs, and
 * rewritten here for a site built without them. A diagram box that scrolls
 * gets a Tab stop, so a keyboard can scroll it too.
 */
window.kbgen.define("diagrams", ["dom"], function (dom) {
  "use strict";

  var MERMAID = "vendor/mermaid/mermaid.min.js";
  // Mermaid's diagram types that have a useMaxWidth setting.
  var TYPES = ["flowchart", "sequence", "gantt", "journey", "timeline", "class", "state", "er", "pie",
    "quadrantChart", "xyChart", "requirement", "mindmap", "gitGraph", "c4", "sankey", "packet", "block",
    "architecture", "radar"];
  var FONT_SIZE = "14px";
  // Inside the diagram's shadow root: a visible focus mark on linked nodes.
  var THEME_CSS = "a:focus{outline:none}" +
    "a:focus-visible .label-container,a:focus-visible rect,a:focus-visible polygon{" +
    "stroke:var(--md-accent-fg-color);stroke-width:3px}";
  var ready = null;
  var scheduled = false;

  function settings(material) {
    var config = Object.assign({}, material || {});
    config.startOnLoad = false;
    config.securityLevel = "strict";
    config.themeVariables = Object.assign({}, config.themeVariables || {}, { fontSize: FONT_SIZE });
    TYPES.forEach(function (type) {
      config[type] = Object.assign({}, config[type] || {}, { useMaxWidth: false });
    });
    config.themeCSS = (config.themeCSS || "") + THEME_CSS;
    return config;
  }

  function mermaid(material) {
    if (!ready) {
      var standIn = window.mermaid;
      ready = window.kbgen.load([MERMAID]).then(function () {
        var real = window.mermaid;
        if (!real || real === standIn || typeof real.render !== "function") throw new Error("Mermaid did not load");
        real.startOnLoad = false;
        real.initialize(settings(material));
        return real;
      });
      ready.catch(function () { ready = null; });
    }
    return ready;
  }

  // A node link to a site page, relative, written for directory URLs: ../../papers/vit/
  var PAGE_LINK = /(\bhref=")\.\.\/((?:\.\.\/)*[a-z0-9_-]+(?:\/[a-z0-9_-]+)*)\/"/g;

  /** What the stand-in's render() does: Mermaid's render() on the real library. */
  function render(id, text, material, ctx) {
    return mermaid(material).then(function (real) {
      return real.render(id, text);
    }).then(function (result) {
      // Without directory URLs (an offline copy) this page is one folder higher
      // (papers/x.html, not papers/x/) and pages end in .html: ../../papers/vit/ -> ../papers/vit.html.
      if (ctx && !ctx.directoryUrls && result && typeof result.svg === "string") {
        result.svg = result.svg.replace(PAGE_LINK, "$1$2.html\"");
      }
      schedule();
      return result;
    });
  }

  /** Give every diagram box that scrolls sideways a Tab stop and a name. */
  function mark() {
    scheduled = false;
    document.querySelectorAll("div.mermaid").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        dom.setAttrs(box, { tabindex: "0", role: "region", "aria-label": "Diagram (scroll sideways to see all of it)",
          "data-kb-scroll": true });
        // Start in the middle, where a paper's neighbourhood diagram has the paper itself.
        box.scrollLeft = (box.scrollWidth - box.clientWidth) / 2;
      } else if (!scrolls && box.hasAttribute("data-kb-scroll")) {
        ["tabindex", "role", "aria-label", "data-kb-scroll"].forEach(function (a) { box.removeAttribute(a); });
      }
    });
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    // Material puts the rendered diagram in the page just after render() resolves.
    window.setTimeout(mark, 50);
  }

  var watching = false;
  function watch() {
    schedule();
    if (watching) return;
    watching = true;
    window.addEventListener("resize", schedule);
  }

  return { render: render, watch: watch, settings: settings };
});
