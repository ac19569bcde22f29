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
 * - Labels: short names, 12 px on screen at any zoom, placed by graph-labels.js
 *   after every zoom or pan. Hovering shows any node's label.
 */
window.kbgen.define("graphView", ["dom", "graphLabels"], function (dom, graphLabels) {
  "use strict";

  var LABEL_PX = graphLabels.LABEL_PX;
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

  /** The drawing in `canvas`; `large`: expect many nodes (simpler edges, a cached picture while moving). */
  function View(canvas, kinds, large) {
    this.canvas = canvas;
    this.kinds = kinds;
    this.large = !!large;
    this.palette = null;
    this.font = window.getComputedStyle(canvas).fontFamily || "sans-serif";
    this.zoomScale = 1;
    this.timer = null;
    var self = this;
    this.cy = window.cytoscape({
      container: canvas, elements: [], style: this.style(), layout: { name: "preset" },
      minZoom: 0.02, maxZoom: 6, boxSelectionEnabled: false, autoungrabify: true,
      hideEdgesOnViewport: this.large, textureOnViewport: this.large
    });
    this.labels = new graphLabels.Labels(this.cy, this.font);
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

  /**
   * The stylesheet for the current zoom: plain numbers (cytoscape re-evaluates function
   * values on every frame), so labels, borders and edges keep their size on screen.
   */
  View.prototype.style = function () {
    var c = this.palette || (this.palette = this.colours());
    var z = this.cy ? this.cy.zoom() : 1;
    var grow = this.zoomScale;
    var style = [
      { selector: "node", style: {
        width: "data(sz)", height: "data(sz)", "border-width": 1 / z, "border-color": c.textBg, label: "",
        color: c.text, "font-family": this.font, "font-size": LABEL_PX / z, "text-valign": "bottom",
        "text-halign": "center", "text-margin-y": 2 / z, "text-wrap": "none", "text-outline-width": 2 / z,
        "text-outline-color": c.textBg
      } },
      // Labelled nodes are drawn above the others, so no node hides a label.
      { selector: "node.kb-labelled, node.kb-hover, node.kb-center", style: { label: "data(label)", "z-index": 5 } },
      { selector: "node.kb-label-top", style: { "text-valign": "top", "text-margin-y": -2 / z } },
      { selector: "node.kb-label-right", style: { "text-valign": "center", "text-halign": "right", "text-margin-y": 0,
        "text-margin-x": 3 / z } },
      { selector: "node.kb-label-left", style: { "text-valign": "center", "text-halign": "left", "text-margin-y": 0,
        "text-margin-x": -3 / z } },
      { selector: "node.kb-label-bottom-right", style: { "text-halign": "right", "text-margin-x": 3 / z } },
      { selector: "node.kb-label-bottom-left", style: { "text-halign": "left", "text-margin-x": -3 / z } },
      { selector: "node.kb-label-top-right", style: { "text-valign": "top", "text-halign": "right",
        "text-margin-y": -2 / z, "text-margin-x": 3 / z } },
      { selector: "node.kb-label-top-left", style: { "text-valign": "top", "text-halign": "left",
        "text-margin-y": -2 / z, "text-margin-x": -3 / z } },
      { selector: "node.kb-hover", style: { "border-width": 3 / z, "border-color": c.accent, "z-index": 10 } },
      { selector: "node.kb-center", style: { "border-width": 4 / z, "border-color": c.accent } },
      { selector: "edge", style: {
        width: 1.2 * grow, "line-color": c.edge, "target-arrow-color": c.edge, opacity: 0.6,
        "target-arrow-shape": this.large ? "none" : "triangle", "arrow-scale": 0.8,
        "curve-style": this.large ? "haystack" : "straight"
      } },
      // Dashes are slow to draw: a large drawing tells citations apart by a fainter line only.
      { selector: "edge[kind = 'cites']", style: this.large ? { opacity: 0.3 } : { "line-style": "dashed", opacity: 0.45 } }
    ];
    this.kinds.forEach(function (k) {
      style.push({ selector: "node[kind = '" + k.name + "']", style: { "background-color": c[k.name] } });
    });
    this.styledZoom = z;
    return style;
  };

  /** Colours again (the reader switched between light and dark). */
  View.prototype.restyle = function () {
    this.palette = null;
    this.cy.style().fromJson(this.style()).update();
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

  function nodeSize(n) {
    return n.kind === "paper" && n.weight !== null ? 10 + 32 * Math.pow(Math.max(0, Math.min(1, n.weight)), 0.7) : 12;
  }

  function boxOf(points) {
    var box = null;
    points.forEach(function (p) {
      if (!box) box = { x1: p.x, y1: p.y, x2: p.x, y2: p.y };
      box.x1 = Math.min(box.x1, p.x);
      box.y1 = Math.min(box.y1, p.y);
      box.x2 = Math.max(box.x2, p.x);
      box.y2 = Math.max(box.y2, p.y);
    });
    return box;
  }

  /**
   * Draw a selection (graph-model.js select()). Only what changed is removed or added, and
   * a preset drawing needs no layout, so a filter on 1,000 nodes costs little.
   */
  View.prototype.show = function (sel) {
    var cy = this.cy;
    var self = this;
    var linked = new Set();
    sel.edges.forEach(function (e) { linked.add(e.source); linked.add(e.target); });
    if (sel.center) linked.add(sel.center);
    var isolated = sel.nodes.filter(function (n) { return !linked.has(n.id); }).map(function (n) { return n.id; });
    var connected = sel.nodes.filter(function (n) { return linked.has(n.id); });
    var mode = sel.center ? "rings" : connected.every(function (n) { return n.x !== null && n.y !== null; })
      ? "preset" : connected.length <= 400 ? "cose" : "rings";
    var rings = mode === "rings" ? ringPositions(connected, sel.center ? sel.distance : new Map()) : null;
    var pos = new Map();
    connected.forEach(function (n) { pos.set(n.id, rings ? rings.get(n.id) : { x: n.x || 0, y: n.y || 0 }); });
    var want = new Set(sel.nodes.map(function (n) { return n.id; }));
    var edgeId = function (e) { return "e:" + e.source + ">" + e.target; };
    sel.edges.forEach(function (e) { want.add(edgeId(e)); });
    cy.batch(function () {
      cy.elements().filter(function (ele) { return !want.has(ele.id()); }).remove();
      var add = [];
      sel.nodes.forEach(function (n, i) {
        var node = cy.getElementById(n.id);
        var p = pos.get(n.id) || { x: 0, y: 0 };
        if (node.empty()) {
          var size = nodeSize(n);
          add.push({ group: "nodes", position: { x: p.x, y: p.y },
            data: { id: n.id, kind: n.kind, label: n.label, size: size, sz: size * self.zoomScale, rank: i } });
        } else {
          node.data("rank", i);
          node.position({ x: p.x, y: p.y });
        }
      });
      sel.edges.forEach(function (e) {
        if (cy.getElementById(edgeId(e)).empty()) {
          add.push({ group: "edges", data: { id: edgeId(e), source: e.source, target: e.target, kind: e.kind } });
        }
      });
      cy.add(add);
      cy.nodes().forEach(function (n) {
        if (n.id() === sel.center) n.addClass("kb-center");
        else n.removeClass("kb-center");
      });
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
    var strip = stripPositions(isolated, boxOf(main.map(function (n) { return n.position(); })));
    cy.batch(function () {
      strip.forEach(function (p, id) { cy.getElementById(id).position(p); });
    });
    this.fit();
    this.relabel();
  };

  /** Fit the drawing to the canvas from node positions (cytoscape's fit measures every edge). */
  View.prototype.fit = function () {
    var cy = this.cy;
    var box = boxOf(cy.nodes().map(function (n) { return n.position(); }));
    if (!box) return;
    var pad = 24 + LABEL_PX;
    var w = Math.max(1, this.canvas.clientWidth - 2 * pad);
    var h = Math.max(1, this.canvas.clientHeight - 2 * pad);
    var zoom = Math.min(2, w / Math.max(1, box.x2 - box.x1), h / Math.max(1, box.y2 - box.y1));
    zoom = Math.max(cy.minZoom(), zoom);
    cy.viewport({ zoom: zoom, pan: { x: this.canvas.clientWidth / 2 - zoom * (box.x1 + box.x2) / 2,
      y: this.canvas.clientHeight / 2 - zoom * (box.y1 + box.y2) / 2 } });
  };

  /** Scale node sizes and the stylesheet to the zoom, then place the labels (graph-labels.js). */
  View.prototype.relabel = function () {
    var cy = this.cy;
    var zoom = cy.zoom();
    var grow = zoom < 1 ? Math.pow(zoom, -0.55) : 1;
    if (Math.abs(grow - this.zoomScale) > 0.01 || !cy.nodes().length || cy.nodes()[0].data("sz") === undefined) {
      this.zoomScale = grow;
      cy.batch(function () {
        cy.nodes().forEach(function (n) { n.data("sz", n.data("size") * grow); });
      });
    }
    if (Math.abs(zoom / this.styledZoom - 1) > 0.03) cy.style().fromJson(this.style()).update();
    this.labels.place(this.canvas.clientWidth, this.canvas.clientHeight);
  };

  View.prototype.labelBoxes = function () {
    return this.labels.boxes();
  };

  View.prototype.destroy = function () {
    window.clearTimeout(this.timer);
    try { this.cy.destroy(); } catch (e) { /* already gone */ }
  };

  return { View: View, cssVar: cssVar };
});
