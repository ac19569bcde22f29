/*
 * js/graph-labels.js: where the graph explorer writes names.
 *
 * Greedy, in order of importance (the center first, then bigger nodes, then
 * the overview's order): each node's short name goes below it, else above,
 * right or left, only where it overlaps no label placed before it, on screen
 * (so at every zoom, labels are 12 px and never overlap), and a label beside
 * a node must not hide another node's middle. The boxes are those cytoscape
 * draws (text, outline and padding), so a test can check them with
 * cytoscape's own measure (boxes()).
 */
window.kbgen.define("graphLabels", [], function () {
  "use strict";

  var LABEL_PX = 12;
  // Margins around a label's text, as cytoscape measures its label box (outline and padding
  // included: about 6.5 px a side, from 4.5 px above the node's bottom to 20.5 px below it).
  var PAD_X = 8;
  var PAD_Y = 6;
  var MAX_LABELS = 120;

  function Labels(cy, font) {
    this.cy = cy;
    this.font = font;
    this.widths = new Map();
    this.measure = document.createElement("canvas").getContext("2d");
  }

  Labels.prototype.width = function (text) {
    if (!this.widths.has(text)) {
      this.measure.font = LABEL_PX + "px " + this.font;
      this.widths.set(text, this.measure.measureText(text).width);
    }
    return this.widths.get(text);
  };

  /** Label the nodes of a `width` x `height` canvas (class kb-labelled, and the side's class). */
  Labels.prototype.place = function (width, height) {
    var cy = this.cy;
    var self = this;
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
    // Where a label may go, in order of preference: below the node, above, right, left, then the
    // four corners (a crowded middle often leaves only a corner free).
    function spots(p, r, w) {
      var below = [p.y + r - PAD_Y, p.y + r + tall + PAD_Y];
      var above = [p.y - r - tall - PAD_Y, p.y - r + PAD_Y];
      var right = [p.x + r - PAD_Y, p.x + r + w + 2 * PAD_X];
      var left = [p.x - r - w - 2 * PAD_X, p.x - r + PAD_Y];
      return [
        ["", [p.x - w / 2 - PAD_X, below[0], p.x + w / 2 + PAD_X, below[1]]],
        ["kb-label-top", [p.x - w / 2 - PAD_X, above[0], p.x + w / 2 + PAD_X, above[1]]],
        ["kb-label-right", [right[0], p.y - tall / 2 - PAD_Y, right[1], p.y + tall / 2 + PAD_Y]],
        ["kb-label-left", [left[0], p.y - tall / 2 - PAD_Y, left[1], p.y + tall / 2 + PAD_Y]],
        ["kb-label-bottom-right", [right[0], below[0], right[1], below[1]]],
        ["kb-label-bottom-left", [left[0], below[0], left[1], below[1]]],
        ["kb-label-top-right", [right[0], above[0], right[1], above[1]]],
        ["kb-label-top-left", [left[0], above[0], left[1], above[1]]]
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
    // Boxes include each label's outline and padding; two outlines may touch or overlap a little,
    // their text still stays at least 3 px apart.
    var SLACK = 5;
    function clear(index, b, cells, own) {
      return cells.every(function (key) {
        return (index.get(key) || []).every(function (o) {
          return o === own || b[2] - SLACK <= o[0] + SLACK || b[0] + SLACK >= o[2] - SLACK ||
            b[3] - SLACK <= o[1] + SLACK || b[1] + SLACK >= o[3] - SLACK;
        });
      });
    }
    nodes.forEach(function (node) {
      var center = node.hasClass("kb-center");
      if (placed >= MAX_LABELS && !center) return;
      var p = node.renderedPosition();
      var options = spots(p, node.renderedHeight() / 2, self.width(node.data("label")));
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
    var SIDES = ["kb-label-top", "kb-label-right", "kb-label-left", "kb-label-bottom-right", "kb-label-bottom-left",
      "kb-label-top-right", "kb-label-top-left"];
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
  Labels.prototype.boxes = function () {
    var cy = this.cy;
    var zoom = cy.zoom();
    var pan = cy.pan();
    return cy.nodes(".kb-labelled").map(function (node) {
      var b = node.boundingBox({ includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false });
      return { id: node.id(), label: node.data("label"), x1: b.x1 * zoom + pan.x, y1: b.y1 * zoom + pan.y,
        x2: b.x2 * zoom + pan.x, y2: b.y2 * zoom + pan.y };
    });
  };

  return { Labels: Labels, LABEL_PX: LABEL_PX };
});
