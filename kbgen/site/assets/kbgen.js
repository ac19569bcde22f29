/*
 * kbgen.js: the one script every page loads. It finds which features the page
 * uses and loads only their files (js/*.js, the vendored libraries), from next
 * to itself: nothing leaves the site's origin.
 *
 * Feature files are classic scripts that register with kbgen.define(name,
 * deps, factory), not ES modules: module scripts (and fetch) are refused on
 * pages opened from disk (file://), and a kbgen site must also work unzipped.
 * They are inserted with async = false, so they run in the order listed.
 *
 * Mermaid: Material for MkDocs renders diagrams with window.mermaid and
 * downloads Mermaid from a CDN when it is undefined. This script defines a
 * small stand-in at once (before Material's first render); its render()
 * loads the vendored Mermaid through js/diagrams.js, so only pages with a
 * diagram pay for the 3.5 MB library.
 */
(function () {
  "use strict";

  var kbgen = window.kbgen = window.kbgen || {};
  if (kbgen.define) return; // already loaded (a page must not include kbgen.js twice)

  var script = document.currentScript;
  // Where this script lives: assets/kbgen/ of the site; the site's root is two folders up.
  var ASSET_BASE = script && script.src ? script.src.replace(/kbgen\.js(?:[?#].*)?$/, "") : "";
  var SITE_ROOT = ASSET_BASE.replace(/assets\/kbgen\/$/, "");

  // A page served without directory URLs (graph.html instead of graph/) gets links in that form.
  var path = window.location.pathname;
  var DIRECTORY_URLS = !/\.html?$/.test(path) || /(?:^|\/)index\.html?$/.test(path);

  /* ---------------------------------------------------------------- registry */

  var modules = {};
  var loading = {};

  function need(name) {
    if (!Object.prototype.hasOwnProperty.call(modules, name)) throw new Error("kbgen: module " + name + " did not load");
    return modules[name];
  }

  /** Register a feature module; its dependencies were loaded before it (see FEATURES). */
  kbgen.define = function (name, deps, factory) {
    modules[name] = factory.apply(null, deps.map(need));
  };

  function load(file) {
    var url = ASSET_BASE + file;
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var isStyle = /\.css$/.test(file);
        var node = document.createElement(isStyle ? "link" : "script");
        if (isStyle) {
          node.rel = "stylesheet";
          node.href = url;
        } else {
          node.async = false;
          node.src = url;
        }
        node.onload = resolve;
        node.onerror = function () { reject(new Error("could not load " + file)); };
        document.head.appendChild(node);
      });
    }
    return loading[url];
  }

  /** Load files in order (each at most once); resolve when all have run. */
  kbgen.load = function (files) {
    return Promise.all(files.map(load));
  };

  kbgen.module = function (name) {
    return modules[name];
  };

  /* ---------------------------------------------------------------- features */

  var DOM = ["js/dom.js"];
  var DATA = DOM.concat(["js/data.js"]);
  var FEATURES = [
    { name: "reading", when: ".kb-step[data-id], button.kb-known[data-id]", files: DOM.concat(["js/reading.js"]) },
    { name: "page", when: "[data-kb-copy]", files: DOM.concat(["js/page.js"]) },
    { name: "lineage", when: ".kb-lineage[data-topic]", files: DATA.concat(["js/lineage.js"]) },
    { name: "math", when: ".arithmatex", files: ["vendor/katex/katex.min.css", "vendor/katex/katex.min.js",
      "vendor/katex/contrib/auto-render.min.js", "js/math.js"] },
    { name: "graph", when: "#kb-graph-app", files: ["vendor/cytoscape/cytoscape.min.js"].concat(DATA, ["js/names.js",
      "js/graph-model.js", "js/graph-labels.js", "js/graph-view.js", "js/graph-controls.js", "js/graph.js"]) }
  ];
  var DIAGRAMS = DOM.concat(["js/diagrams.js"]);

  var context = {
    assetBase: ASSET_BASE,
    siteRoot: SITE_ROOT,
    directoryUrls: DIRECTORY_URLS,
    report: report
  };
  kbgen.context = context;

  function report(err) {
    if (window.console && console.warn) console.warn("kbgen:", err);
  }

  function start(feature) {
    return kbgen.load(feature.files).then(function () {
      need(feature.name).init(document, context);
    });
  }

  function init() {
    // Material's search overlay is a role="dialog" without a name (axe: aria-dialog-name).
    document.querySelectorAll(".md-search[role=dialog]:not([aria-label])").forEach(function (dialog) {
      dialog.setAttribute("aria-label", "Search");
    });
    FEATURES.forEach(function (feature) {
      var found;
      try {
        found = document.querySelector(feature.when);
      } catch (e) {
        found = null;
      }
      if (found) start(feature).catch(report);
    });
    if (document.querySelector(".mermaid")) kbgen.load(DIAGRAMS).then(function () { need("diagrams").watch(document); }).catch(report);
  }

  /* ---------------------------------------------------------------- Mermaid stand-in */

  if (typeof window.mermaid === "undefined") {
    var settings = {};
    window.mermaid = {
      kbgenStandIn: true,
      startOnLoad: false,
      initialize: function (config) { settings = config || {}; },
      render: function (id, text) {
        return kbgen.load(DIAGRAMS).then(function () {
          return need("diagrams").render(id, text, settings, context);
        });
      }
    };
  }

  /* ---------------------------------------------------------------- start */

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
