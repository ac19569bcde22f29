/*
 * js/lineage.js: a topic's papers on a year axis (topic pages).
 *
 *   <div class="kb-lineage" data-topic="transformers"></div>
 *
 * Reads the data file topics/<topic>/lineage.js (kbgen/site/data.py: the
 * topic's most important dated papers, subtopics included, and their
 * prerequisite and citation edges), never the whole kb.json. Draws
 * svg.kb-lineage__svg at its natural size inside a box that scrolls
 * sideways (text is never scaled down), rows packed so labels never
 * overlap; each paper is an SVG link <a class="kb-lineage__paper" data-id>.
 */
window.kbgen.define("lineage", ["dom", "data"], function (dom, data) {
  "use strict";

  var TOPIC_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var EDGE_KINDS = ["prerequisite", "cites"];
  var ROW_H = 34;
  var CHAR_W = 7.4; // average advance of the 13 px label font, with a margin
  var LEFT = 24;
  var AXIS_Y = 28;

  function init(root, ctx) {
    root.querySelectorAll(".kb-lineage[data-topic]").forEach(function (box) {
      if (box.hasAttribute("data-kb-init")) return;
      box.setAttribute("data-kb-init", "");
      var topic = box.getAttribute("data-topic") || "";
      if (!TOPIC_RE.test(topic)) return;
      data.load(ctx, "topics/" + topic + "/lineage").then(function (payload) {
        if (box.isConnected) draw(box, payload, ctx);
      }).catch(ctx.report); // the lineage is an extra: the topic page lists its papers anyway
    });
  }

  function arrowMarkers(svg, n0) {
    var defs = dom.svgEl("defs");
    EDGE_KINDS.forEach(function (kind) {
      var marker = dom.svgEl("marker", {
        id: "kb-arrow-" + kind + "-" + n0,
        viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse"
      });
      marker.appendChild(dom.svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", "class": "kb-lineage__head kb-lineage__head--" + kind }));
      defs.appendChild(marker);
    });
    svg.appendChild(defs);
  }

  function edgePath(a, b, kind, n0) {
    var dx = b.x - a.x;
    var dy = b.y - a.y;
    var len = Math.sqrt(dx * dx + dy * dy) || 1;
    var r = 7;
    var x1 = a.x + (dx / len) * r;
    var y1 = a.y + (dy / len) * r;
    var x2 = b.x - (dx / len) * (r + 1);
    var y2 = b.y - (dy / len) * (r + 1);
    var bend = Math.abs(dy) < 1 ? -Math.min(40, 10 + Math.abs(dx) / 6) : 0;
    var mx = (x1 + x2) / 2;
    var my = (y1 + y2) / 2 + bend;
    var path = dom.svgEl("path", {
      d: "M " + x1.toFixed(1) + " " + y1.toFixed(1) + " Q " + mx.toFixed(1) + " " + my.toFixed(1) + " " +
        x2.toFixed(1) + " " + y2.toFixed(1),
      "class": "kb-lineage__edge kb-lineage__edge--" + kind,
      "marker-end": "url(#kb-arrow-" + kind + "-" + n0 + ")"
    });
    path.appendChild(dom.svgEl("title", null, kind + ": " + a.node.title + " \u2192 " + b.node.title));
    return path;
  }

  function draw(box, payload, ctx) {
    var graph = dom.subgraph(payload, EDGE_KINDS);
    var dated = graph.nodes.filter(function (n) { return n.kind === "paper" && n.year !== null; });
    dom.clear(box);
    if (!dated.length) return;
    var minYear = Math.min.apply(null, dated.map(function (n) { return n.year; }));
    var maxYear = Math.max.apply(null, dated.map(function (n) { return n.year; }));
    var span = Math.max(1, maxYear - minYear);
    var avail = Math.max(320, (box.clientWidth || 720) - 200);
    var yearW = Math.max(28, Math.min(140, avail / span));
    var top = AXIS_Y + 30;
    function xOf(year) { return LEFT + (year - minYear) * yearW; }

    // Greedy row packing: each paper takes [x - 8, x + 12 + label width] on its row.
    var order = dated.slice().sort(function (a, b) { return a.year - b.year || dom.byWeight(a, b); });
    var rowsEnd = [];
    var pos = new Map();
    var maxRight = xOf(maxYear) + 40;
    order.forEach(function (n) {
      var x = xOf(n.year);
      var end = x + 12 + n.label.length * CHAR_W;
      var row = 0;
      while (row < rowsEnd.length && rowsEnd[row] > x - 8) row += 1;
      rowsEnd[row] = end + 10;
      pos.set(n.id, { x: x, y: top + row * ROW_H, node: n });
      maxRight = Math.max(maxRight, end + 10);
    });
    var width = Math.ceil(maxRight + LEFT);
    var height = top + rowsEnd.length * ROW_H;
    var n0 = dom.nextId("lineage");
    var svg = dom.svgEl("svg", {
      "class": "kb-lineage__svg", width: width, height: height, viewBox: "0 0 " + width + " " + height,
      role: "group", "aria-label": "Papers of this topic on a year axis, with their prerequisite and citation links"
    });
    arrowMarkers(svg, n0);

    var axis = dom.svgEl("g", { "class": "kb-lineage__axis", "aria-hidden": "true" });
    axis.appendChild(dom.svgEl("line", { x1: LEFT - 10, y1: AXIS_Y, x2: xOf(maxYear) + 20, y2: AXIS_Y }));
    var step = yearW >= 40 ? 1 : yearW >= 20 ? 2 : 5;
    for (var y = minYear; y <= maxYear; y++) {
      if ((y - minYear) % step !== 0 && y !== maxYear) continue;
      axis.appendChild(dom.svgEl("line", { x1: xOf(y), y1: AXIS_Y - 4, x2: xOf(y), y2: AXIS_Y + 4 }));
      axis.appendChild(dom.svgEl("text", { x: xOf(y), y: AXIS_Y - 10, "text-anchor": "middle" }, String(y)));
    }
    svg.appendChild(axis);

    var edgeLayer = dom.svgEl("g", { "class": "kb-lineage__edges", "aria-hidden": "true" });
    graph.edges.forEach(function (e) {
      var a = pos.get(e.source);
      var b = pos.get(e.target);
      if (a && b) edgeLayer.appendChild(edgePath(a, b, e.kind, n0));
    });
    svg.appendChild(edgeLayer);

    var nodeLayer = dom.svgEl("g", { "class": "kb-lineage__nodes" });
    order.forEach(function (n) {
      var p = pos.get(n.id);
      var href = dom.pageHref(ctx, n.url);
      var group = dom.svgEl(href ? "a" : "g", { href: href, "class": "kb-lineage__paper", "data-id": n.id });
      var fullTitle = n.title + " (" + n.year + ")";
      if (href) group.setAttribute("aria-label", fullTitle);
      group.appendChild(dom.svgEl("title", null, fullTitle));
      var w = n.weight === null ? 0.3 : Math.max(0, Math.min(1, n.weight));
      group.appendChild(dom.svgEl("circle", { cx: p.x, cy: p.y, r: 4 + 3 * Math.sqrt(w), "class": "kb-lineage__dot" }));
      group.appendChild(dom.svgEl("text", { x: p.x + 10, y: p.y + 4, "class": "kb-lineage__label" }, n.label));
      nodeLayer.appendChild(group);
    });
    svg.appendChild(nodeLayer);

    var scroller = dom.el("div", { "class": "kb-lineage__scroll" });
    scroller.appendChild(svg);
    box.appendChild(scroller);
    box.appendChild(legend(payload, dated.length));
  }

  function legend(payload, shown) {
    var list = dom.el("ul", { "class": "kb-lineage__legend" });
    [["prerequisite", "prerequisite (read before)"], ["cites", "cites"]].forEach(function (pair) {
      var item = dom.el("li");
      var sample = dom.svgEl("svg", { width: 36, height: 10, "aria-hidden": "true", "class": "kb-lineage__sample" });
      sample.appendChild(dom.svgEl("line", { x1: 2, y1: 5, x2: 34, y2: 5, "class": "kb-lineage__edge kb-lineage__edge--" + pair[0] }));
      item.appendChild(sample);
      item.appendChild(document.createTextNode(" " + pair[1]));
      list.appendChild(item);
    });
    var total = dom.num(payload.total) || shown;
    var dated = dom.num(payload.dated) || shown;
    if (shown < dated) {
      list.appendChild(dom.el("li", { "class": "kb-reason" }, "The " + shown + " most important of " + dated +
        " dated papers are shown."));
    }
    if (total > dated) {
      list.appendChild(dom.el("li", { "class": "kb-reason" },
        dom.plural(total - dated, "paper has", "papers have") + " no year and " + (total - dated === 1 ? "is" : "are") +
        " not shown."));
    }
    return list;
  }

  return { init: init };
});
