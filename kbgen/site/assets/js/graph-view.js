/*
 * js/graph-view.js: the graph explorer's drawing (the vendored cytoscape).
 *
 * - Positions: the overview's, computed at build time (kbgen/site/data.py), so
 *   a 1,000-node drawing needs no layout in the browser and filters never move
 *   a node; around one entry, rings by distance; otherwise cytoscape's cose
 *   from a seeded start. Nodes without a shown edge go in rows below the rest.
 * - Size: papers by their importance among papers (data file `weight`);
 *   other kinds small and fixed. Node sizes shrink less than the zoom, so an
 *   overview stays legible.
 * - Labels: short names, 12 px on screen at any zoom, placed greedily in order
 *   of importance and only where they overlap no label already placed; placed
 *   again after every zoom or pan. Hovering shows any node's label.
 */
window.kbgen.define("graphView", ["dom"], function (dom) {
  "use strict";

  var LABEL_PX = 12;
  var PAD_X = 4;
  var PAD_Y = 3;
  var MAX_LABELS = 120;
  var FALLBACK = { paper: "#3949ab", concept: "#00796b", story: "#ad1457", resource: "#d84315" };

  /** A CSS colour variable as rgb() (cytoscape reads few colour syntaxes), or the fallback. */
  function cssVar(node, name, fallback) {
    if (!window.getComputedStyle(node).getPropertyValue(name).trim()) return fallback;
    var probe = document.createElement("span");
    probe.style.display = "none";
    probe.style.color = "var(" + name + ")";
    node.appendChild(probe);
    var value = window.getComputedStyle(probe).color || "";
    node.removeChild(probe);
    var m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(value);
    return m ? "rgb(" + Math.round(+m[1]) + ", " + Math.round(+m[2]) + ", " + Math.round(+m[3]) + ")" : fallback;
  }

  /** Run fn with Math.random seeded (mulberry32), so that cose gives the same picture every time. */
  function withSeededRandom(seed, fn) {
    var original = Math.random;
    var s = seed >>> 0;
    Math.random = function () {
      s = (s + 0x6d2b79f5) | 0;
      var t = Math.imul(s ^ (s >>> 15), 1 | s);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    try {
      return fn();
    } finally {
      Math.random = original;
    }
  }

  function View(canvas, kinds) {
    this.canvas = canvas;
    this.kinds = kinds;
    this.font = window.getComputedStyle(canvas).fontFamily || "sans-serif";
    this.widths = new Map();
    this.measure = document.createElement("canvas").getContext("2d");
    this.zoomScale = 1;
    this.timer = null;
    var self = this;
    this.cy = window.cytoscape({
      container: canvas, elements: [], style: this.style(), layout: { name: "preset" },
      minZoom: 0.02, maxZoom: 6, boxSelectionEnabled: false, autoungrabify: true
    });
    this.cy.on("viewport", function () {
      window.clearTimeout(self.timer);
      self.timer = window.setTimeout(function () { self.relabel(); }, 120);
    });
  }

  View.prototype.colours = function () {
    var c = this.canvas;
    var out = {
      text: cssVar(c, "--md-default-fg-color", "#000000"),
      textBg: cssVar(c, "--md-default-bg-color", "#ffffff"),
      edge: cssVar(c, "--kb-edge-color", "#888888"),
      accent: cssVar(c, "--kb-focus-color", "#3949ab")
    };
    this.kinds.forEach(function (k) { out[k.name] = cssVar(c, "--kb-kind-" + k.name, FALLBACK[k.name] || "#757575"); });
    return out;
  };

  View.prototype.style = function () {
    var c = this.colours();
    var self = this;
    function z() { return self.cy ? self.cy.zoom() : 1; }
    function grow() { return self.zoomScale; }
    var style = [
      { selector: "node", style: {
        width: function (n) { return n.data("size") * grow(); },
        height: function (n) { return n.data("size") * grow(); },
        "border-width": function () { return 1 / z(); },
        "border-color": c.textBg, label: "", color: c.text, "font-family": this.font,
        "font-size": function () { return LABEL_PX / z(); },
        "text-valign": "bottom", "text-halign": "center", "text-margin-y": function () { return 2 / z(); },
        "text-wrap": "none", "text-outline-width": function () { return 2 / z(); }, "text-outline-color": c.textBg
      } },
      // Labelled nodes are drawn above the others, so no node hides a label.
      { selector: "node.kb-labelled, node.kb-hover, node.kb-center", style: { label: "data(label)", "z-index": 5 } },
      { selector: "node.kb-hover", style: { "border-width": function () { return 3 / z(); }, "border-color": c.accent, "z-index": 10 } },
      { selector: "node.kb-center", style: { "border-width": function () { return 4 / z(); }, "border-color": c.accent } },
      { selector: "edge", style: {
        width: function () { return 1.2 * grow(); }, "line-color": c.edge, "target-arrow-color": c.edge,
        "target-arrow-shape": "triangle", "arrow-scale": 0.8, "curve-style": "straight", opacity: 0.6
      } },
      { selector: "edge[kind = 'cites']", style: { "line-style": "dashed", opacity: 0.45 } }
    ];
    this.kinds.forEach(function (k) {
      style.push({ selector: "node[kind = '" + k.name + "']", style: { "background-color": c[k.name] } });
    });
    return style;
  };

  View.prototype.restyle = function () {
    this.cy.style(this.style());
  };

  function ringPositions(nodes, distance) {
    var rings = [];
    nodes.forEach(function (n) {
      var d = distance.get(n.id) || 0;
      (rings[d] = rings[d] || []).push(n.id);
    });
    var pos = new Map();
    var radius = 0;
    rings.forEach(function (ids, d) {
      if (!ids) return;
      radius = d === 0 ? 0 : Math.max(radius + 110, ids.length * 34 / (2 * Math.PI));
      ids.forEach(function (id, i) {
        var a = (2 * Math.PI * i) / ids.length + d * 0.4;
        pos.set(id, { x: radius * Math.cos(a), y: radius * Math.sin(a) });
      });
    });
    return pos;
  }

  /** Place isolated nodes in rows under the bounding box of the others. */
  function stripPositions(ids, box) {
    var pos = new Map();
    var spacing = box ? Math.max(28, (box.x2 - box.x1) / 30) : 60;
    var width = box ? Math.max(box.x2 - box.x1, spacing * 8) : spacing * Math.ceil(Math.sqrt(ids.length) * 1.6);
    var perRow = Math.max(1, Math.floor(width / spacing));
    var left = box ? box.x1 : 0;
    var top = box ? box.y2 + spacing * 2 : 0;
    ids.forEach(function (id, i) {
      pos.set(id, { x: left + (i % perRow) * spacing, y: top + Math.floor(i / perRow) * spacing });
    });
    return pos;
  }

  /** Draw a selection (graph-model.js select()); `done` runs once it is placed and labelled. */
  View.prototype.show = function (sel) {
    var cy = this.cy;
    var linked = new Set();
    sel.edges.forEach(function (e) { linked.add(e.source); linked.add(e.target); });
    if (sel.center) linked.add(sel.center);
    var isolated = sel.nodes.filter(function (n) { return !linked.has(n.id); }).map(function (n) { return n.id; });
    var connected = sel.nodes.filter(function (n) { return linked.has(n.id); });
    var mode = sel.center ? "rings" : connected.every(function (n) { return n.x !== null && n.y !== null; })
      ? "preset" : connected.length <= 400 ? "cose" : "rings";
    var rings = mode === "rings" ? ringPositions(connected, sel.center ? sel.distance : new Map()) : null;
    var elements = [];
    sel.nodes.forEach(function (n, i) {
      var size = n.kind === "paper" && n.weight !== null ? 10 + 32 * Math.pow(Math.max(0, Math.min(1, n.weight)), 0.7) : 12;
      var p = rings ? rings.get(n.id) : null;
      elements.push({
        group: "nodes", data: { id: n.id, kind: n.kind, label: n.label, size: size, rank: i },
        position: p || { x: n.x !== null ? n.x : 0, y: n.y !== null ? n.y : 0 },
        classes: n.id === sel.center ? ["kb-center"] : []
      });
    });
    sel.edges.forEach(function (e, i) {
      elements.push({ group: "edges", data: { id: "e" + i, source: e.source, target: e.target, kind: e.kind } });
    });
    cy.batch(function () {
      cy.elements().remove();
      cy.add(elements);
    });
    var main = cy.nodes().filter(function (n) { return linked.has(n.id()); });
    if (mode === "cose" && main.length > 1) {
      withSeededRandom(1, function () {
        main.union(main.edgesWith(main)).layout({
          name: "cose", randomize: true, animate: false, fit: false, idealEdgeLength: function () { return 80; },
          nodeRepulsion: function () { return 40000; }, nodeOverlap: 20, numIter: 800
        }).run();
      });
    }
    var box = main.length ? main.boundingBox({ includeLabels: false }) : null;
    var strip = stripPositions(isolated, box);
    cy.batch(function () {
      strip.forEach(function (p, id) { cy.getElementById(id).position(p); });
    });
    cy.fit(undefined, 24);
    this.relabel();
  };

  View.prototype.labelWidth = function (text) {
    if (!this.widths.has(text)) {
      this.measure.font = LABEL_PX + "px " + this.font;
      this.widths.set(text, this.measure.measureText(text).width);
    }
    return this.widths.get(text);
  };

  /**
   * Scale node sizes to the zoom, then label the most important nodes whose
   * label boxes (on screen) overlap no label placed before them.
   */
  View.prototype.relabel = function () {
    var cy = this.cy;
    var zoom = cy.zoom();
    var grow = zoom < 1 ? Math.pow(zoom, -0.55) : 1;
    if (Math.abs(grow - this.zoomScale) > 0.01) {
      this.zoomScale = grow;
    }
    cy.style().update();
    var width = this.canvas.clientWidth;
    var height = this.canvas.clientHeight;
    var cell = 80;
    var grid = new Map();
    var self = this;
    var placed = 0;
    var chosen = new Set();
    function cellsOf(b) {
      var out = [];
      for (var gx = Math.floor(b[0] / cell); gx <= Math.floor(b[2] / cell); gx++) {
        for (var gy = Math.floor(b[1] / cell); gy <= Math.floor(b[3] / cell); gy++) out.push(gx + ":" + gy);
      }
      return out;
    }
    function free(b, cells) {
      return cells.every(function (key) {
        return (grid.get(key) || []).every(function (o) { return b[2] <= o[0] || b[0] >= o[2] || b[3] <= o[1] || b[1] >= o[3]; });
      });
    }
    // Bigger nodes first (the more important papers), then in order of importance.
    var nodes = cy.nodes().sort(function (a, b) {
      return (a.hasClass("kb-center") ? -1 : 0) - (b.hasClass("kb-center") ? -1 : 0) ||
        b.data("size") - a.data("size") || a.data("rank") - b.data("rank");
    });
    nodes.forEach(function (node) {
      if (placed >= MAX_LABELS && !node.hasClass("kb-center")) return;
      var p = node.renderedPosition();
      var r = node.renderedHeight() / 2;
      var w = self.labelWidth(node.data("label"));
      var b = [p.x - w / 2 - PAD_X, p.y + r + 2 - PAD_Y, p.x + w / 2 + PAD_X, p.y + r + 2 + LABEL_PX * 1.25 + PAD_Y];
      if (b[0] < 0 || b[2] > width || b[1] < 0 || b[3] > height) return;
      var cells = cellsOf(b);
      if (!node.hasClass("kb-center") && !free(b, cells)) return;
      cells.forEach(function (key) {
        if (!grid.has(key)) grid.set(key, []);
        grid.get(key).push(b);
      });
      chosen.add(node.id());
      placed += 1;
    });
    cy.batch(function () {
      cy.nodes().forEach(function (node) {
        if (chosen.has(node.id())) node.addClass("kb-labelled");
        else node.removeClass("kb-labelled");
      });
    });
  };

  /** Boxes of the drawn labels on screen, as cytoscape measures them (for the tests). */
  View.prototype.labelBoxes = function () {
    var cy = this.cy;
    var zoom = cy.zoom();
    var pan = cy.pan();
    return cy.nodes(".kb-labelled").map(function (node) {
      var b = node.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
      return { id: node.id(), label: node.data("label"), x1: b.x1 * zoom + pan.x, y1: b.y1 * zoom + pan.y,
        x2: b.x2 * zoom + pan.x, y2: b.y2 * zoom + pan.y };
    });
  };

  View.prototype.destroy = function () {
    window.clearTimeout(this.timer);
    try { this.cy.destroy(); } catch (e) { /* already gone */ }
  };

  return { View: View, cssVar: cssVar };
});
