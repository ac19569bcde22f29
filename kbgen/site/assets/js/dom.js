/*
 * js/dom.js: small helpers every feature uses. Elements are built with
 * textContent and setAttribute only: text from the knowledge base is never
 * parsed as HTML.
 */
window.kbgen.define("dom", [], function () {
  "use strict";

  // The SVG namespace is an XML identifier, never fetched.
  var SVG_NS = "http://www.w3.org/2000/svg";
  var URL_RE = /^[a-z0-9/_-]+\/$/;
  var uid = 0;

  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      node.setAttribute(k, v === true ? "" : String(v));
    });
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    setAttrs(node, attrs);
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function message(container, text) {
    clear(container);
    container.appendChild(el("p", { "class": "kb-message" }, text));
  }

  function str(value) {
    return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
  }

  function num(value) {
    return typeof value === "number" && isFinite(value) ? value : null;
  }

  function truncate(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function nextId(prefix) {
    uid += 1;
    return prefix + "-" + uid;
  }

  /**
   * The href of a site page from its URL relative to the site root ("papers/vit/"),
   * or null when that URL is not a plain relative folder path.
   */
  function pageHref(ctx, url) {
    if (typeof url !== "string" || !URL_RE.test(url) || url.indexOf("//") !== -1) return null;
    return ctx.siteRoot + (ctx.directoryUrls ? url : url.replace(/\/$/, ".html"));
  }

  /** A record from a data file, with the types the features rely on; never throws. */
  function record(n) {
    if (!n || typeof n.id !== "string") return null;
    var title = str(n.title) || n.id;
    return {
      id: n.id,
      kind: str(n.kind),
      title: title,
      label: str(n.label) || truncate(title, 24),
      short: typeof n.short === "string" ? n.short : null,
      aliases: Array.isArray(n.aliases) ? n.aliases.filter(function (a) { return typeof a === "string"; }) : [],
      year: num(n.year),
      url: typeof n.url === "string" ? n.url : null,
      weight: num(n.weight),
      topics: Array.isArray(n.topics) ? n.topics.filter(function (t) { return typeof t === "string"; }) : [],
      x: num(n.x),
      y: num(n.y)
    };
  }

  /** Records and edges of a data file: {nodes, edges: [{source, target, kind}]} (kinds by name). */
  function subgraph(data, edgeKinds) {
    var nodes = [];
    var raw = data && Array.isArray(data.nodes) ? data.nodes : [];
    var index = [];
    raw.forEach(function (n) {
      var r = record(n);
      index.push(r);
      if (r) nodes.push(r);
    });
    var edges = [];
    (data && Array.isArray(data.edges) ? data.edges : []).forEach(function (e) {
      if (!Array.isArray(e)) return;
      var a = index[e[0]];
      var b = index[e[1]];
      var kind = edgeKinds[e[2]];
      if (a && b && kind && a !== b) edges.push({ source: a.id, target: b.id, kind: kind });
    });
    return { nodes: nodes, edges: edges };
  }

  function byWeight(a, b) {
    var wa = a.weight === null ? -1 : a.weight;
    var wb = b.weight === null ? -1 : b.weight;
    return wb - wa || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  }

  return {
    SVG_NS: SVG_NS,
    el: el,
    svgEl: svgEl,
    setAttrs: setAttrs,
    clear: clear,
    message: message,
    str: str,
    num: num,
    truncate: truncate,
    plural: plural,
    nextId: nextId,
    pageHref: pageHref,
    record: record,
    subgraph: subgraph,
    byWeight: byWeight
  };
});
