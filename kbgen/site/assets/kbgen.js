/*
 * kbgen.js: the interactive parts of a kbgen site.
 *
 * Plain ES2019, no build step, no network access other than fetching the
 * site's own kb.json (a relative URL given by the page). The graph explorer
 * uses the vendored cytoscape (window.cytoscape) when the page includes it.
 *
 * Everything that comes from kb.json is contributor text: it is only ever
 * placed with textContent / setAttribute / cytoscape data, never parsed as
 * HTML, and links are only built from `site_root + node.url` when node.url
 * is a plain relative path.
 *
 * Initialisation runs on every page: through Material's `document$`
 * observable when it exists (instant navigation on or off), otherwise on
 * DOMContentLoaded. Every init step is idempotent.
 */
(function () {
  "use strict";

  var STORE_KEY = "kbgen:read";
  var URL_RE = /^[a-z0-9/_-]+\/$/;
  var ROOT_RE = /^(?:\.{1,2}\/)*$|^\/(?!\/)[A-Za-z0-9._~%/-]*\/$/;
  // The SVG namespace is an XML identifier, never fetched.
  var SVG_NS = "http://www.w3.org/2000/svg";
  var GRAPH_KINDS = ["paper", "concept", "story", "resource"];
  var GRAPH_EDGE_KINDS = ["prerequisite", "cites"];
  var KIND_PLURAL = { paper: "papers", concept: "concepts", story: "stories", resource: "resources" };
  var DEFAULT_CAP = 150;
  var uid = 0;
  // Where kbgen.js itself was loaded from: the vendored libraries sit next to it.
  var ASSET_BASE = (function () {
    var script = document.currentScript;
    return script && script.src ? script.src.replace(/kbgen\.js(?:[?#].*)?$/, "") : null;
  })();

  /* ------------------------------------------------------------------ *
   * Small helpers
   * ------------------------------------------------------------------ */

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

  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      node.setAttribute(k, v === true ? "" : String(v));
    });
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function message(container, text) {
    clear(container);
    container.appendChild(el("p", { "class": "kb-message" }, text));
  }

  function splitIds(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  function siteRootOf(node) {
    var root = node.getAttribute("data-site-root") || "";
    return ROOT_RE.test(root) ? root : "";
  }

  /** The page URL of a kb.json node, or null when its url is not a plain relative path. */
  function nodeHref(siteRoot, node) {
    var url = node && node.url;
    if (typeof url !== "string" || !URL_RE.test(url) || url.indexOf("//") !== -1) return null;
    return siteRoot + url;
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

  /* ------------------------------------------------------------------ *
   * Reading state: localStorage["kbgen:read"] = JSON array of ids
   * ------------------------------------------------------------------ */

  var memoryState = null; // used when localStorage is unavailable

  function storage() {
    try {
      var s = window.localStorage;
      return s || null;
    } catch (e) {
      return null;
    }
  }

  function loadRead() {
    var s = storage();
    var raw = null;
    if (s) {
      try {
        raw = s.getItem(STORE_KEY);
      } catch (e) {
        raw = null;
      }
    }
    if (raw === null) return new Set(memoryState || []);
    try {
      var data = JSON.parse(raw);
      if (!Array.isArray(data)) return new Set();
      return new Set(data.filter(function (x) { return typeof x === "string"; }));
    } catch (e) {
      return new Set();
    }
  }

  function saveRead(set) {
    var list = Array.from(set).sort();
    memoryState = list;
    var s = storage();
    if (!s) return;
    try {
      s.setItem(STORE_KEY, JSON.stringify(list));
    } catch (e) {
      /* quota or privacy mode: keep the in-memory copy */
    }
  }

  function setRead(id, read) {
    var set = loadRead();
    if (read) set.add(id);
    else set.delete(id);
    saveRead(set);
    refreshReadingUI();
  }

  /* ------------------------------------------------------------------ *
   * Checklists (path pages) and "mark as read" buttons
   * ------------------------------------------------------------------ */

  function initChecklists(root) {
    root.querySelectorAll(".kb-step .kb-tick").forEach(function (box) {
      if (box.hasAttribute("data-kb-bound")) return;
      box.setAttribute("data-kb-bound", "");
      box.addEventListener("change", function () {
        var step = box.closest(".kb-step");
        var id = step && step.getAttribute("data-id");
        if (id) setRead(id, box.checked);
      });
    });
    root.querySelectorAll("button.kb-known[data-id]").forEach(function (button) {
      if (button.hasAttribute("data-kb-bound")) return;
      button.setAttribute("data-kb-bound", "");
      button.addEventListener("click", function () {
        var id = button.getAttribute("data-id");
        if (id) setRead(id, !loadRead().has(id));
      });
    });
  }

  function refreshReadingUI() {
    var read = loadRead();
    var steps = Array.prototype.slice.call(document.querySelectorAll(".kb-step[data-id]"));
    var onPage = new Set();
    steps.forEach(function (step) { onPage.add(step.getAttribute("data-id")); });

    var done = 0;
    var minutesLeft = 0;
    var anyMinutes = false;
    var next = null;
    steps.forEach(function (step) {
      var id = step.getAttribute("data-id");
      var isRead = read.has(id);
      var box = step.querySelector(".kb-tick");
      if (box) box.checked = isRead;
      step.classList.toggle("kb-done", isRead);
      var minutes = parseInt(step.getAttribute("data-minutes") || "", 10);
      if (!isNaN(minutes)) anyMinutes = true;
      if (isRead) {
        done += 1;
      } else {
        if (!isNaN(minutes)) minutesLeft += minutes;
        if (next === null) {
          var ready = splitIds(step.getAttribute("data-prereqs")).every(function (p) {
            return read.has(p) || !onPage.has(p);
          });
          if (ready) next = step;
        }
      }
    });

    steps.forEach(function (step) {
      var isNext = step === next;
      step.classList.toggle("kb-next", isNext);
      if (isNext) step.setAttribute("aria-current", "step");
      else step.removeAttribute("aria-current");
      var badge = step.querySelector(".kb-next-badge");
      if (isNext && !badge) {
        badge = el("span", { "class": "kb-next-badge", role: "img", "aria-label": "next readable step" }, "next");
        var label = step.querySelector("label");
        if (label && label.parentNode === step) step.insertBefore(badge, label.nextSibling);
        else step.insertBefore(badge, step.firstChild);
      } else if (!isNext && badge) {
        badge.remove();
      }
    });

    document.querySelectorAll("[data-kb-progress]").forEach(function (box) {
      renderProgress(box, done, steps.length, anyMinutes ? minutesLeft : null);
    });

    document.querySelectorAll("button.kb-known[data-id]").forEach(function (button) {
      var isRead = read.has(button.getAttribute("data-id"));
      button.setAttribute("aria-pressed", isRead ? "true" : "false");
      button.textContent = isRead ? "Read \u2713 (undo)" : "Mark as read";
      button.classList.toggle("md-button--primary", isRead);
    });
  }

  function renderProgress(box, done, total, minutesLeft) {
    var text = box.querySelector(".kb-progress__text");
    var bar = box.querySelector("progress");
    if (!text || !bar) {
      clear(box);
      text = el("span", { "class": "kb-progress__text", "aria-live": "polite" });
      bar = el("progress", { "class": "kb-progress__bar", "aria-label": "Reading progress" });
      box.appendChild(text);
      box.appendChild(bar);
    }
    var label = done + " / " + total + " read";
    if (minutesLeft !== null) label += " \u00b7 " + minutesLeft + " min left";
    text.textContent = label;
    bar.max = Math.max(total, 1);
    bar.value = done;
    bar.setAttribute("aria-valuetext", label);
  }

  /* ------------------------------------------------------------------ *
   * kb.json loading and indexing
   * ------------------------------------------------------------------ */

  var jsonCache = {};

  function loadKb(relUrl) {
    var url;
    try {
      url = new URL(relUrl, document.baseURI);
    } catch (e) {
      return Promise.reject(new Error("bad kb.json address"));
    }
    if (url.origin !== window.location.origin && window.location.origin !== "null") {
      return Promise.reject(new Error("kb.json must come from this site"));
    }
    var key = url.href;
    if (!jsonCache[key]) {
      jsonCache[key] = fetch(key, { credentials: "same-origin" }).then(function (res) {
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json();
      });
      jsonCache[key].catch(function () { delete jsonCache[key]; });
    }
    return jsonCache[key];
  }

  /** Normalise kb.json into {nodes: [...], byId: Map, edges: [...]}; never throws. */
  function indexKb(data) {
    var nodes = [];
    var byId = new Map();
    var rawNodes = data && Array.isArray(data.nodes) ? data.nodes : [];
    rawNodes.forEach(function (n) {
      if (!n || typeof n.id !== "string" || byId.has(n.id)) return;
      var node = {
        id: n.id,
        kind: str(n.kind),
        title: str(n.title) || n.id,
        year: num(n.year),
        topics: Array.isArray(n.topics) ? n.topics.filter(function (t) { return typeof t === "string"; }) : [],
        url: typeof n.url === "string" ? n.url : null,
        importance: num(n.importance),
        reading_time: num(n.reading_time),
        difficulty: typeof n.difficulty === "string" ? n.difficulty : null
      };
      nodes.push(node);
      byId.set(node.id, node);
    });
    var edges = [];
    var rawEdges = data && Array.isArray(data.edges) ? data.edges : [];
    rawEdges.forEach(function (e) {
      if (!e || typeof e.source !== "string" || typeof e.target !== "string") return;
      edges.push({ source: e.source, target: e.target, kind: str(e.kind), reason: str(e.reason) });
    });
    return { nodes: nodes, byId: byId, edges: edges };
  }

  function topicKey(id) {
    return id.indexOf("topic:") === 0 ? id.slice(6) : id;
  }

  /** Topic ids (without prefix) of `topic` and all its subtopics. */
  function topicClosure(kb, topic) {
    var children = new Map();
    kb.edges.forEach(function (e) {
      if (e.kind !== "subtopic") return;
      var parent = topicKey(e.source);
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(topicKey(e.target));
    });
    var seen = new Set([topicKey(topic)]);
    var queue = [topicKey(topic)];
    while (queue.length) {
      (children.get(queue.shift()) || []).forEach(function (c) {
        if (!seen.has(c)) {
          seen.add(c);
          queue.push(c);
        }
      });
    }
    return seen;
  }

  /** Map entity id -> Set of topic ids (without prefix), from node.topics and in_topic edges. */
  function topicsByEntity(kb) {
    var map = new Map();
    function add(id, t) {
      if (!map.has(id)) map.set(id, new Set());
      map.get(id).add(topicKey(t));
    }
    kb.nodes.forEach(function (n) { n.topics.forEach(function (t) { add(n.id, t); }); });
    kb.edges.forEach(function (e) { if (e.kind === "in_topic") add(e.source, e.target); });
    return map;
  }

  function inTopics(memberships, id, topics) {
    var mine = memberships.get(id);
    if (!mine) return false;
    var hit = false;
    mine.forEach(function (t) { if (topics.has(t)) hit = true; });
    return hit;
  }

  /**
   * Run fn (synchronously) with Math.random replaced by a seeded generator
   * (mulberry32), so that layouts which jitter coincident nodes are reproducible.
   */
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

  function byImportance(a, b) {
    var ia = a.importance === null ? -1 : a.importance;
    var ib = b.importance === null ? -1 : b.importance;
    if (ia !== ib) return ib - ia;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  }

  /* ------------------------------------------------------------------ *
   * Graph explorer (#kb-graph-app)
   * ------------------------------------------------------------------ */

  var currentGraph = null;

  /**
   * The value of a CSS colour variable as "rgb(r, g, b)" (cytoscape does not
   * understand every CSS colour syntax, e.g. #rrggbbaa); alpha is dropped.
   */
  function cssVar(node, name, fallback) {
    var probe = document.createElement("span");
    probe.style.display = "none";
    probe.style.color = "var(" + name + ")";
    node.appendChild(probe);
    var value = window.getComputedStyle(probe).color || "";
    node.removeChild(probe);
    if (!window.getComputedStyle(node).getPropertyValue(name).trim()) return fallback;
    var m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(value);
    if (!m) return fallback;
    return "rgb(" + Math.round(+m[1]) + ", " + Math.round(+m[2]) + ", " + Math.round(+m[3]) + ")";
  }

  function graphColours(node) {
    return {
      paper: cssVar(node, "--kb-kind-paper", "#3f51b5"),
      concept: cssVar(node, "--kb-kind-concept", "#00897b"),
      story: cssVar(node, "--kb-kind-story", "#c2185b"),
      resource: cssVar(node, "--kb-kind-resource", "#ef6c00"),
      text: cssVar(node, "--md-default-fg-color", "#000000"),
      textBg: cssVar(node, "--md-default-bg-color", "#ffffff"),
      edge: cssVar(node, "--kb-edge-color", "#888888"),
      accent: cssVar(node, "--md-accent-fg-color", "#526cfe")
    };
  }

  function graphStyle(c) {
    var style = [
      {
        selector: "node",
        style: {
          width: "data(size)",
          height: "data(size)",
          "border-width": 1,
          "border-color": c.textBg,
          label: "",
          color: c.text,
          "font-size": 14,
          "text-valign": "bottom",
          "text-margin-y": 3,
          "text-wrap": "ellipsis",
          "text-max-width": 200,
          "text-outline-width": 2,
          "text-outline-color": c.textBg,
          "min-zoomed-font-size": 7
        }
      },
      { selector: "node.kb-labelled, node.kb-hover, node.kb-center", style: { label: "data(label)" } },
      { selector: "node.kb-hover", style: { "border-width": 3, "border-color": c.accent, "z-index": 10 } },
      { selector: "node.kb-center", style: { "border-width": 4, "border-color": c.accent } },
      {
        selector: "edge",
        style: {
          width: 1.2,
          "line-color": c.edge,
          "target-arrow-color": c.edge,
          "target-arrow-shape": "triangle",
          "arrow-scale": 0.8,
          "curve-style": "straight",
          opacity: 0.7
        }
      },
      { selector: "edge[kind = 'cites']", style: { "line-style": "dashed", "line-dash-pattern": [5, 4], width: 1, opacity: 0.5 } }
    ];
    GRAPH_KINDS.forEach(function (k) {
      style.push({ selector: "node[kind = '" + k + "']", style: { "background-color": c[k] } });
    });
    return style;
  }

  function initGraph(root) {
    var app = root.querySelector("#kb-graph-app");
    if (currentGraph && (!currentGraph.app.isConnected || currentGraph.app !== app)) {
      try { currentGraph.cy.destroy(); } catch (e) { /* already gone */ }
      currentGraph = null;
      window.kbgenGraph = undefined;
    }
    if (!app || app.hasAttribute("data-kb-init")) return;
    app.setAttribute("data-kb-init", "");
    if (typeof window.cytoscape !== "function") {
      message(app, "The graph explorer needs its script (cytoscape.min.js), which did not load.");
      return;
    }
    message(app, "Loading the knowledge graph\u2026");
    loadKb(app.getAttribute("data-kb-json") || "kb.json").then(function (data) {
      if (!app.isConnected) return;
      var kb = indexKb(data);
      var entities = kb.nodes.filter(function (n) { return GRAPH_KINDS.indexOf(n.kind) !== -1; });
      if (!entities.length) {
        message(app, "The knowledge base has no papers, concepts, stories or resources to draw yet.");
        return;
      }
      buildGraph(app, kb, entities);
    }).catch(function (err) {
      if (!app.isConnected) return;
      message(app, "The knowledge graph could not be loaded (" + (err && err.message ? err.message : "unknown error") + ").");
    });
  }

  function buildGraph(app, kb, entities) {
    var siteRoot = siteRootOf(app);
    var appId = "kb-graph-" + (++uid);
    var memberships = topicsByEntity(kb);
    var entityIds = new Set(entities.map(function (n) { return n.id; }));
    var graphEdges = kb.edges.filter(function (e) {
      return GRAPH_EDGE_KINDS.indexOf(e.kind) !== -1 && entityIds.has(e.source) && entityIds.has(e.target) && e.source !== e.target;
    });

    clear(app);
    var wrap = el("div", { "class": "kb-graph" });
    var form = el("form", { "class": "kb-graph__controls", "aria-label": "Graph filters" });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });

    // Node kinds (with the colour legend)
    var kindSet = el("fieldset", { "class": "kb-graph__group" });
    kindSet.appendChild(el("legend", null, "Show"));
    var kindBoxes = {};
    GRAPH_KINDS.forEach(function (k) {
      var count = entities.filter(function (n) { return n.kind === k; }).length;
      var label = el("label", { "class": "kb-graph__check" });
      var box = el("input", { type: "checkbox", name: "kind", value: k, "data-kb-kind": k });
      box.checked = true;
      box.disabled = count === 0;
      kindBoxes[k] = box;
      label.appendChild(box);
      label.appendChild(el("span", { "class": "kb-swatch kb-swatch--" + k, "aria-hidden": "true" }));
      label.appendChild(document.createTextNode(" " + KIND_PLURAL[k] + " (" + count + ")"));
      kindSet.appendChild(label);
    });
    form.appendChild(kindSet);

    // Edge kinds
    var edgeSet = el("fieldset", { "class": "kb-graph__group" });
    edgeSet.appendChild(el("legend", null, "Edges"));
    var edgeBoxes = {};
    GRAPH_EDGE_KINDS.forEach(function (k) {
      var label = el("label", { "class": "kb-graph__check" });
      var box = el("input", { type: "checkbox", name: "edge", value: k, "data-kb-edge": k });
      box.checked = true;
      edgeBoxes[k] = box;
      label.appendChild(box);
      label.appendChild(el("span", { "class": "kb-line kb-line--" + k, "aria-hidden": "true" }));
      label.appendChild(document.createTextNode(" " + (k === "prerequisite" ? "prerequisite" : "cites")));
      edgeSet.appendChild(label);
    });
    form.appendChild(edgeSet);

    // Topic filter
    var topicNodes = kb.nodes.filter(function (n) { return n.kind === "topic"; });
    var topicIds = new Set(topicNodes.map(function (n) { return topicKey(n.id); }));
    memberships.forEach(function (ts) { ts.forEach(function (t) { topicIds.add(t); }); });
    var topicTitle = {};
    topicNodes.forEach(function (n) { topicTitle[topicKey(n.id)] = n.title; });
    var topicList = Array.from(topicIds).map(function (t) { return { id: t, title: topicTitle[t] || t }; });
    topicList.sort(function (a, b) { return a.title.localeCompare(b.title); });
    var topicLabel = el("label", { "class": "kb-graph__field" }, "Topic ");
    var topicSelect = el("select", { name: "topic", "data-kb-topic": "" });
    topicSelect.appendChild(el("option", { value: "" }, "All topics"));
    topicList.forEach(function (t) { topicSelect.appendChild(el("option", { value: t.id }, t.title)); });
    topicLabel.appendChild(topicSelect);
    form.appendChild(topicLabel);

    // Local mode
    var localSet = el("fieldset", { "class": "kb-graph__group" });
    localSet.appendChild(el("legend", null, "Around one entry"));
    var listId = appId + "-entities";
    var datalist = el("datalist", { id: listId });
    var titleToId = new Map();
    entities.slice().sort(function (a, b) { return a.title.localeCompare(b.title); }).forEach(function (n) {
      var key = n.title.toLowerCase();
      if (!titleToId.has(key)) titleToId.set(key, n.id);
      datalist.appendChild(el("option", { value: n.title }));
    });
    var localLabel = el("label", { "class": "kb-graph__field" }, "Entry ");
    var localInput = el("input", { type: "search", name: "focus", list: listId, placeholder: "title or id", autocomplete: "off", "data-kb-focus": "" });
    localLabel.appendChild(localInput);
    localSet.appendChild(localLabel);
    localSet.appendChild(datalist);
    var depthLabel = el("label", { "class": "kb-graph__field" }, "Depth ");
    var depthSelect = el("select", { name: "depth", "data-kb-depth": "" });
    [1, 2, 3].forEach(function (d) { depthSelect.appendChild(el("option", { value: d }, String(d))); });
    depthSelect.value = "2";
    depthLabel.appendChild(depthSelect);
    localSet.appendChild(depthLabel);
    var clearButton = el("button", { type: "button", "class": "md-button kb-graph__clear" }, "Clear");
    localSet.appendChild(clearButton);
    form.appendChild(localSet);

    // Cap
    var capLabel = el("label", { "class": "kb-graph__field" }, "Limit ");
    var capSelect = el("select", { name: "cap", "data-kb-cap": "" });
    [50, DEFAULT_CAP, 300].forEach(function (n) {
      if (n < entities.length || n === DEFAULT_CAP) capSelect.appendChild(el("option", { value: n }, "top " + n + " by importance"));
    });
    capSelect.appendChild(el("option", { value: "all" }, "show all (" + entities.length + ")"));
    capSelect.value = String(DEFAULT_CAP);
    capLabel.appendChild(capSelect);
    form.appendChild(capLabel);

    var counter = el("p", { "class": "kb-graph__count", "data-kb-count": "0", "aria-live": "polite" });
    form.appendChild(counter);
    wrap.appendChild(form);

    var canvas = el("div", { "class": "kb-graph__canvas", role: "img", "aria-label": "Knowledge graph: click a node to open its page; scroll to zoom, drag to pan." });
    wrap.appendChild(canvas);
    var hint = el("p", { "class": "kb-graph__hint" }, "Click a node to open its page. Scroll to zoom, drag the background to pan. Hover a node to see its title.");
    wrap.appendChild(hint);

    var listBox = el("details", { "class": "kb-graph__list" });
    listBox.appendChild(el("summary", null, "Shown entries as a list"));
    var list = el("ul");
    listBox.appendChild(list);
    wrap.appendChild(listBox);
    app.appendChild(wrap);

    // Cytoscape. Each filter change replaces the elements with the shown
    // subset (fresh elements, fresh seed positions), so the drawing is a
    // function of the filters alone and hidden nodes cost nothing.
    var sorted = entities.slice().sort(byImportance);
    var golden = Math.PI * (3 - Math.sqrt(5));
    var nodeData = new Map();
    sorted.forEach(function (n, i) {
      var imp = n.importance === null ? 0 : Math.max(0, Math.min(1, n.importance));
      var r = 30 * Math.sqrt(i + 1);
      nodeData.set(n.id, {
        data: { id: n.id, kind: n.kind, label: truncate(n.title, 48), size: 14 + 34 * imp },
        x: r * Math.cos(i * golden),
        y: r * Math.sin(i * golden)
      });
    });
    var edgeData = [];
    var seenEdge = new Set();
    graphEdges.forEach(function (e) {
      var key = e.kind + "\u0000" + e.source + "\u0000" + e.target;
      if (seenEdge.has(key)) return;
      seenEdge.add(key);
      edgeData.push({ id: "e" + seenEdge.size, source: e.source, target: e.target, kind: e.kind });
    });

    var cy = window.cytoscape({
      container: canvas,
      elements: [],
      style: graphStyle(graphColours(app)),
      layout: { name: "preset" },
      minZoom: 0.05,
      maxZoom: 4,
      boxSelectionEnabled: false
    });

    function readFocus() {
      var v = localInput.value.trim();
      if (!v) return null;
      if (entityIds.has(v)) return v;
      return titleToId.get(v.toLowerCase()) || null;
    }

    function apply() {
      var kinds = new Set(GRAPH_KINDS.filter(function (k) { return kindBoxes[k].checked; }));
      var edgeKinds = new Set(GRAPH_EDGE_KINDS.filter(function (k) { return edgeBoxes[k].checked; }));
      var topic = topicSelect.value;
      var topicSet = topic ? topicClosure(kb, topic) : null;
      var center = readFocus();
      localInput.setAttribute("aria-invalid", localInput.value.trim() && !center ? "true" : "false");

      var candidates = new Set();
      entities.forEach(function (n) {
        if (!kinds.has(n.kind)) return;
        if (topicSet && !inTopics(memberships, n.id, topicSet)) return;
        candidates.add(n.id);
      });

      if (center) {
        var adj = new Map();
        graphEdges.forEach(function (e) {
          if (!edgeKinds.has(e.kind)) return;
          if (!adj.has(e.source)) adj.set(e.source, []);
          if (!adj.has(e.target)) adj.set(e.target, []);
          adj.get(e.source).push(e.target);
          adj.get(e.target).push(e.source);
        });
        var depth = parseInt(depthSelect.value, 10) || 1;
        var local = new Set([center]);
        var frontier = [center];
        for (var d = 0; d < depth; d++) {
          var nextFrontier = [];
          frontier.forEach(function (id) {
            (adj.get(id) || []).forEach(function (m) {
              if (!local.has(m) && candidates.has(m)) {
                local.add(m);
                nextFrontier.push(m);
              }
            });
          });
          frontier = nextFrontier;
        }
        candidates = local;
      }

      var capValue = capSelect.value;
      var cap = capValue === "all" ? Infinity : parseInt(capValue, 10) || DEFAULT_CAP;
      var shown = new Set();
      if (center) shown.add(center);
      sorted.forEach(function (n) {
        if (shown.size < cap && candidates.has(n.id)) shown.add(n.id);
      });

      // Label the most important shown nodes (and the focus); the others on hover.
      var elements = [];
      var labelled = 0;
      sorted.forEach(function (n) {
        if (!shown.has(n.id)) return;
        var nd = nodeData.get(n.id);
        var classes = [];
        if (labelled < 15) {
          classes.push("kb-labelled");
          labelled += 1;
        }
        if (n.id === center) classes.push("kb-center");
        elements.push({ group: "nodes", data: nd.data, position: { x: nd.x, y: nd.y }, classes: classes });
      });
      edgeData.forEach(function (e) {
        if (edgeKinds.has(e.kind) && shown.has(e.source) && shown.has(e.target)) elements.push({ group: "edges", data: e });
      });
      cy.batch(function () {
        cy.elements().remove();
        cy.add(elements);
      });

      counter.setAttribute("data-kb-count", String(shown.size));
      counter.textContent = plural(shown.size, "node", "nodes") + " shown \u00b7 " + entities.length + " in total";

      clear(list);
      sorted.forEach(function (n) {
        if (!shown.has(n.id)) return;
        var item = el("li");
        var href = nodeHref(siteRoot, n);
        var label = n.title + (n.year !== null ? " (" + n.year + ")" : "");
        item.appendChild(href ? el("a", { href: href }, label) : el("span", null, label));
        item.appendChild(document.createTextNode(" \u2014 " + n.kind));
        list.appendChild(item);
      });

      var count = cy.nodes().length;
      if (count) {
        // A fixed bounding box (not the container's size, which can change
        // between frames) keeps the layout a function of the filters alone.
        var h = Math.max(420, Math.sqrt(count) * 72);
        var box = { x1: 0, y1: 0, w: Math.round(h * 1.5), h: Math.round(h) };
        var layout = count <= 400
          ? { name: "cose", randomize: false, animate: false, fit: true, padding: 30, boundingBox: box,
              idealEdgeLength: function () { return 90; }, nodeRepulsion: function () { return 40000; }, nodeOverlap: 20, numIter: 1000 }
          : { name: "concentric", animate: false, fit: true, padding: 30, boundingBox: box, minNodeSpacing: 4,
              concentric: function (node) { var n = kb.byId.get(node.id()); return n && n.importance !== null ? n.importance : 0; },
              levelWidth: function () { return 0.1; } };
        withSeededRandom(1, function () { cy.layout(layout).run(); });
      }
    }

    cy.on("tap", "node", function (ev) {
      var n = kb.byId.get(ev.target.id());
      var href = nodeHref(siteRoot, n);
      if (href) window.location.assign(href);
    });
    cy.on("mouseover", "node", function (ev) {
      ev.target.addClass("kb-hover");
      canvas.style.cursor = "pointer";
      var n = kb.byId.get(ev.target.id());
      if (n) canvas.setAttribute("title", n.title + (n.year !== null ? " (" + n.year + ")" : ""));
    });
    cy.on("mouseout", "node", function (ev) {
      ev.target.removeClass("kb-hover");
      canvas.style.cursor = "";
      canvas.removeAttribute("title");
    });

    form.addEventListener("change", apply);
    localInput.addEventListener("input", function () {
      if (!localInput.value.trim() || readFocus()) apply();
    });
    clearButton.addEventListener("click", function () {
      localInput.value = "";
      apply();
    });

    apply();

    // Follow Material's light/dark palette switch.
    var observer = new MutationObserver(function () {
      if (!app.isConnected) {
        observer.disconnect();
        return;
      }
      cy.style(graphStyle(graphColours(app)));
    });
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

    currentGraph = { app: app, cy: cy };
    window.kbgenGraph = {
      cy: cy,
      visibleCount: function () { return cy.nodes().length; },
      refresh: apply
    };
  }

  /* ------------------------------------------------------------------ *
   * Lineage / year axis (.kb-lineage on topic pages)
   * ------------------------------------------------------------------ */

  function initLineages(root) {
    root.querySelectorAll(".kb-lineage[data-kb-json]").forEach(function (box) {
      if (box.hasAttribute("data-kb-init")) return;
      box.setAttribute("data-kb-init", "");
      loadKb(box.getAttribute("data-kb-json")).then(function (data) {
        if (box.isConnected) drawLineage(box, indexKb(data));
      }).catch(function () {
        /* the lineage is an extra: the topic page lists its papers anyway */
      });
    });
  }

  function drawLineage(box, kb) {
    clear(box);
    var topic = box.getAttribute("data-topic") || "";
    if (!topic) return;
    var siteRoot = siteRootOf(box);
    var topics = topicClosure(kb, topic);
    var memberships = topicsByEntity(kb);
    var papers = kb.nodes.filter(function (n) { return n.kind === "paper" && inTopics(memberships, n.id, topics); });
    if (!papers.length) return;
    var dated = papers.filter(function (n) { return n.year !== null; });
    var undated = papers.length - dated.length;
    if (!dated.length) return;

    var ids = new Set(dated.map(function (n) { return n.id; }));
    var edges = kb.edges.filter(function (e) {
      return (e.kind === "prerequisite" || e.kind === "cites") && ids.has(e.source) && ids.has(e.target) && e.source !== e.target;
    });

    // Horizontal scale
    var minYear = Math.min.apply(null, dated.map(function (n) { return n.year; }));
    var maxYear = Math.max.apply(null, dated.map(function (n) { return n.year; }));
    var span = Math.max(1, maxYear - minYear);
    var avail = Math.max(480, (box.clientWidth || 720) - 200);
    var yearW = Math.max(28, Math.min(140, avail / span));
    var left = 24;
    var axisY = 28;
    var rowH = 34;
    var top = axisY + 30;
    var labelMax = 30;
    var charW = 7.2;

    function xOf(year) { return left + (year - minYear) * yearW; }

    // Greedy row packing: each paper occupies [x - 8, x + 12 + label width].
    var order = dated.slice().sort(function (a, b) {
      return a.year - b.year || byImportance(a, b);
    });
    var rowsEnd = [];
    var pos = new Map();
    var maxRight = xOf(maxYear) + 40;
    order.forEach(function (n) {
      var label = truncate(n.title, labelMax);
      var x = xOf(n.year);
      var start = x - 8;
      var end = x + 12 + label.length * charW;
      var row = 0;
      while (row < rowsEnd.length && rowsEnd[row] > start) row += 1;
      rowsEnd[row] = end + 10;
      pos.set(n.id, { x: x, y: top + row * rowH, label: label, node: n });
      maxRight = Math.max(maxRight, end + 10);
    });
    var width = Math.ceil(maxRight + left);
    var height = top + rowsEnd.length * rowH;

    var n0 = ++uid;
    var svg = svgEl("svg", {
      "class": "kb-lineage__svg",
      width: width,
      height: height,
      viewBox: "0 0 " + width + " " + height,
      role: "group",
      "aria-label": "Papers of this topic on a year axis, with their prerequisite and citation links"
    });
    var defs = svgEl("defs");
    ["prerequisite", "cites"].forEach(function (kind) {
      var marker = svgEl("marker", {
        id: "kb-arrow-" + kind + "-" + n0,
        viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse"
      });
      marker.appendChild(svgEl("path", { d: "M 0 0 L 10 5 L 0 10 z", "class": "kb-lineage__head kb-lineage__head--" + kind }));
      defs.appendChild(marker);
    });
    svg.appendChild(defs);

    // Axis with a tick per year (or every few years when dense)
    var axis = svgEl("g", { "class": "kb-lineage__axis", "aria-hidden": "true" });
    axis.appendChild(svgEl("line", { x1: left - 10, y1: axisY, x2: xOf(maxYear) + 20, y2: axisY }));
    var step = yearW >= 40 ? 1 : yearW >= 20 ? 2 : 5;
    for (var y = minYear; y <= maxYear; y++) {
      if ((y - minYear) % step !== 0 && y !== maxYear) continue;
      axis.appendChild(svgEl("line", { x1: xOf(y), y1: axisY - 4, x2: xOf(y), y2: axisY + 4 }));
      axis.appendChild(svgEl("text", { x: xOf(y), y: axisY - 10, "text-anchor": "middle" }, String(y)));
    }
    svg.appendChild(axis);

    // Edges, drawn under the nodes
    var edgeLayer = svgEl("g", { "class": "kb-lineage__edges", "aria-hidden": "true" });
    edges.forEach(function (e) {
      var a = pos.get(e.source);
      var b = pos.get(e.target);
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
      var path = svgEl("path", {
        d: "M " + x1.toFixed(1) + " " + y1.toFixed(1) + " Q " + mx.toFixed(1) + " " + my.toFixed(1) + " " + x2.toFixed(1) + " " + y2.toFixed(1),
        "class": "kb-lineage__edge kb-lineage__edge--" + e.kind,
        "marker-end": "url(#kb-arrow-" + e.kind + "-" + n0 + ")"
      });
      path.appendChild(svgEl("title", null, e.kind + ": " + a.node.title + " \u2192 " + b.node.title + (e.reason ? " \u2014 " + e.reason : "")));
      edgeLayer.appendChild(path);
    });
    svg.appendChild(edgeLayer);

    // Papers
    var nodeLayer = svgEl("g", { "class": "kb-lineage__nodes" });
    order.forEach(function (n) {
      var p = pos.get(n.id);
      var href = nodeHref(siteRoot, n);
      var group = href ? svgEl("a", { href: href, "class": "kb-lineage__paper" }) : svgEl("g", { "class": "kb-lineage__paper" });
      group.setAttribute("data-id", n.id);
      var fullTitle = n.title + " (" + n.year + ")";
      if (href) group.setAttribute("aria-label", fullTitle);
      group.appendChild(svgEl("title", null, fullTitle));
      var imp = n.importance === null ? 0.3 : Math.max(0, Math.min(1, n.importance));
      group.appendChild(svgEl("circle", { cx: p.x, cy: p.y, r: 4 + 3 * imp, "class": "kb-lineage__dot" }));
      group.appendChild(svgEl("text", { x: p.x + 10, y: p.y + 4, "class": "kb-lineage__label" }, p.label));
      nodeLayer.appendChild(group);
    });
    svg.appendChild(nodeLayer);

    var scroller = el("div", { "class": "kb-lineage__scroll" });
    scroller.appendChild(svg);
    box.appendChild(scroller);

    var legend = el("ul", { "class": "kb-lineage__legend" });
    [["prerequisite", "prerequisite (read before)"], ["cites", "cites"]].forEach(function (pair) {
      var item = el("li");
      var sample = svgEl("svg", { width: 36, height: 10, "aria-hidden": "true", "class": "kb-lineage__sample" });
      sample.appendChild(svgEl("line", { x1: 2, y1: 5, x2: 34, y2: 5, "class": "kb-lineage__edge kb-lineage__edge--" + pair[0] }));
      item.appendChild(sample);
      item.appendChild(document.createTextNode(" " + pair[1]));
      legend.appendChild(item);
    });
    if (undated) legend.appendChild(el("li", { "class": "kb-reason" }, plural(undated, "paper has", "papers have") + " no year and is not shown."));
    box.appendChild(legend);
  }

  /* ------------------------------------------------------------------ *
   * Entry point
   * ------------------------------------------------------------------ */

  /* ------------------------------------------------------------------ *
   * Math (.arithmatex from pymdownx.arithmatex, generic mode)
   * KaTeX is vendored next to this script and loaded only on pages with math.
   * ------------------------------------------------------------------ */

  var loading = {};
  function loadOnce(url, isStyle) {
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var node = isStyle ? el("link", { rel: "stylesheet", href: url }) : el("script", { src: url });
        node.onload = resolve;
        node.onerror = function () { reject(new Error("could not load " + url)); };
        document.head.appendChild(node);
      });
    }
    return loading[url];
  }

  function renderMath(root) {
    var nodes = root.querySelectorAll(".arithmatex:not([data-kb-math])");
    if (!nodes.length || !ASSET_BASE) return;
    var base = ASSET_BASE + "vendor/katex/";
    Promise.all([loadOnce(base + "katex.min.css", true), loadOnce(base + "katex.min.js", false)])
      .then(function () { return loadOnce(base + "contrib/auto-render.min.js", false); })
      .then(function () {
        for (var i = 0; i < nodes.length; i++) {
          nodes[i].setAttribute("data-kb-math", "");
          window.renderMathInElement(nodes[i], {
            delimiters: [{ left: "\\(", right: "\\)", display: false }, { left: "\\[", right: "\\]", display: true }],
            throwOnError: false
          });
        }
      })
      .catch(report);
  }

  /* Material's search overlay is a role="dialog" without a name; screen readers
   * announce it as an unnamed dialog (axe: aria-dialog-name). */
  function nameSearchDialog(root) {
    var dialogs = root.querySelectorAll(".md-search[role=dialog]:not([aria-label])");
    for (var i = 0; i < dialogs.length; i++) dialogs[i].setAttribute("aria-label", "Search");
  }

  function init() {
    var root = document;
    try { nameSearchDialog(root); } catch (e) { report(e); }
    try { renderMath(root); } catch (e) { report(e); }
    try { initChecklists(root); refreshReadingUI(); } catch (e) { report(e); }
    try { initGraph(root); } catch (e) { report(e); }
    try { initLineages(root); } catch (e) { report(e); }
  }

  function report(err) {
    if (window.console && console.warn) console.warn("kbgen:", err);
  }

  var storageBound = false;
  function bindGlobal() {
    if (storageBound) return;
    storageBound = true;
    // Another tab changed the reading state.
    window.addEventListener("storage", function (ev) {
      if (ev.key === STORE_KEY || ev.key === null) refreshReadingUI();
    });
  }

  bindGlobal();
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(function () { init(); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
