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
 *   of importance, below, above or beside the node, only where they overlap no
 *   label already placed and hide no other node's middle; placed again after every zoom or pan. Hovering shows
 *   any node's label.
 */
window.kbgen.define("graphView", ["dom"], function (dom) {
  "use strict";

  var LABEL_PX = 12;
  // Margins around a label's text, as cytoscape measures its label box (outline and padding
  // included: about 6.5 px a side, from 4.5 px above the node's bottom to 20.5 px below it).
  var PAD_X = 8;
  var PAD_Y = 6;
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

  /** The drawing in `canvas`; `large`: expect many nodes (simpler edges, a cached picture while moving). */
  function View(canvas, kinds, large) {
    this.canvas = canvas;
    this.kinds = kinds;
    this.large = !!large;
    this.palette = null;
    this.font = window.getComputedStyle(canvas).fontFamily || "sans-serif";
    this.widths = new Map();
    this.measure = document.createElement("canvas").getContext("2d");
    this.zoomScale = 1;
    this.timer = null;
    var self = this;
    this.cy = window.cytoscape({
      container: canvas, elements: [], style: this.style(), layout: { name: "preset" },
      minZoom: 0.02, maxZoom: 6, boxSelectionEnabled: false, autoungrabify: true,
      hideEdgesOnViewport: this.large, textureOnViewport: this.large
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
    var self = this;
    if (Math.abs(grow - this.zoomScale) > 0.01 || !cy.nodes().length || cy.nodes()[0].data("sz") === undefined) {
      this.zoomScale = grow;
      cy.batch(function () {
        cy.nodes().forEach(function (n) { n.data("sz", n.data("size") * grow); });
      });
    }
    if (Math.abs(zoom / this.styledZoom - 1) > 0.03) cy.style().fromJson(this.style()).update();
    var width = this.canvas.clientWidth;
    var height = this.canvas.clientHeight;
    var cell = 80;
    var grid = new Map();
    var placed = 0;
    var chosen = new Map(); // node id -> the class of its label's side ("" below)
    var dots = new Map();
    function cellsOf(b) {
      var out = [];
      for (var gx = Math.floor(b[0] / cell); gx <= Math.floor(b[2] / cell); gx++) {
        for (var gy = Math.floor(b[1] / cell); gy <= Math.floor(b[3] / cell); gy++) out.push(gx + ":" + gy);
      }
      return out;
    }
    // Bigger nodes first (the more important papers), then in order of importance.
    var nodes = cy.nodes().sort(function (a, b) {
      return (a.hasClass("kb-center") ? -1 : 0) - (b.hasClass("kb-center") ? -1 : 0) ||
        b.data("size") - a.data("size") || a.data("rank") - b.data("rank");
    });
    var tall = LABEL_PX * 1.25 + 7;
    // Where a label may go, in order of preference: below the node, above, right, left.
    function spots(p, r, w) {
      return [
        ["", [p.x - w / 2 - PAD_X, p.y + r - PAD_Y, p.x + w / 2 + PAD_X, p.y + r + tall + PAD_Y]],
        ["kb-label-top", [p.x - w / 2 - PAD_X, p.y - r - tall - PAD_Y, p.x + w / 2 + PAD_X, p.y - r + PAD_Y]],
        ["kb-label-right", [p.x + r - PAD_Y, p.y - tall / 2 - PAD_Y, p.x + r + w + 2 * PAD_X, p.y + tall / 2 + PAD_Y]],
        ["kb-label-left", [p.x - r - w - 2 * PAD_X, p.y - tall / 2 - PAD_Y, p.x - r + PAD_Y, p.y + tall / 2 + PAD_Y]]
      ];
    }
    // Beside a node a label would run over its neighbours' middles (rows of isolated nodes,
    // say): there, nodes are obstacles too. Below and above, only labels are.
    var discs = new Map();
    nodes.forEach(function (node) {
      var p = node.renderedPosition();
      var r = Math.max(2, node.renderedHeight() * 0.2);
      var d = [p.x - r, p.y - r, p.x + r, p.y + r];
      discs.set(node.id(), d);
      cellsOf(d).forEach(function (key) {
        if (!dots.has(key)) dots.set(key, []);
        dots.get(key).push(d);
      });
    });
    function clear(index, b, cells, own) {
      return cells.every(function (key) {
        return (index.get(key) || []).every(function (o) {
          return o === own || b[2] <= o[0] || b[0] >= o[2] || b[3] <= o[1] || b[1] >= o[3];
        });
      });
    }
    nodes.forEach(function (node) {
      var center = node.hasClass("kb-center");
      if (placed >= MAX_LABELS && !center) return;
      var p = node.renderedPosition();
      var options = spots(p, node.renderedHeight() / 2, self.labelWidth(node.data("label")));
      for (var i = 0; i < options.length; i++) {
        var b = options[i][1];
        if (b[0] < 0 || b[2] > width || b[1] < 0 || b[3] > height) continue;
        var cells = cellsOf(b);
        if (!center && (!clear(grid, b, cells, null) || (i > 1 && !clear(dots, b, cells, discs.get(node.id()))))) continue;
        cells.forEach(function (key) {
          if (!grid.has(key)) grid.set(key, []);
          grid.get(key).push(b);
        });
        chosen.set(node.id(), options[i][0]);
        placed += 1;
        return;
      }
    });
    var SIDES = ["kb-label-top", "kb-label-right", "kb-label-left"];
    cy.batch(function () {
      cy.nodes().forEach(function (node) {
        var side = chosen.get(node.id());
        if (side === undefined) node.removeClass("kb-labelled");
        else node.addClass("kb-labelled");
        SIDES.forEach(function (c) {
          if (c === side) node.addClass(c);
          else node.removeClass(c);
        });
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
