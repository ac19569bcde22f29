/*
 * js/graph-model.js: what the graph explorer knows and what it shows.
 *
 * It starts from graph/overview.js (the most important entities, with
 * positions computed at build time) and, when the overview is not the whole
 * graph, adds what the reader asks for: an entry's neighbourhood
 * (graph/nodes/<id>.js) or a topic's papers (topics/<id>/lineage.js).
 * select() turns the filters into the nodes and edges to draw; it never
 * touches the page.
 */
window.kbgen.define("graphModel", ["dom", "data"], function (dom, data) {
  "use strict";

  var ID_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var DEFAULT_EDGE_KINDS = ["prerequisite", "cites"];
  // Depth 2 and 3 around an entry read the neighbourhood files of at most this many entries.
  var FETCH_LIMIT = 40;

  function Model(ctx, payload) {
    this.ctx = ctx;
    this.edgeKinds = Array.isArray(payload.edgeKinds) ? payload.edgeKinds.filter(function (k) {
      return typeof k === "string";
    }) : DEFAULT_EDGE_KINDS;
    this.kinds = (Array.isArray(payload.kinds) ? payload.kinds : []).filter(function (k) {
      return k && typeof k.name === "string";
    }).map(function (k) {
      return { name: k.name, label: dom.str(k.label) || k.name, plural: dom.str(k.plural) || k.name };
    });
    this.complete = payload.complete === true;
    this.counts = payload.counts && typeof payload.counts === "object" ? payload.counts : {};
    this.nameFiles = Array.isArray(payload.nameFiles) ? payload.nameFiles.filter(function (f) {
      return typeof f === "string" && /^[a-z0-9_]+$/.test(f);
    }) : [];
    this.byId = new Map();
    this.edges = [];
    this.edgeKeys = new Set();
    this.adjacent = new Map();
    this.loaded = new Set(); // entities whose whole neighbourhood is known
    this.topicPapers = new Map(); // topic id -> Set of ids (from topic files)
    var g = dom.subgraph(payload, this.edgeKinds);
    this.overview = g.nodes;
    this.merge(g);
    this.overview.forEach(function (n, i) { n.rank = i; n.inOverview = true; });
    this.total = dom.num(payload.total) || this.overview.length;
    this.topics = (Array.isArray(payload.topics) ? payload.topics : []).filter(function (t) {
      return t && typeof t.id === "string";
    }).map(function (t) {
      return { id: t.id, title: dom.str(t.title) || t.id, parent: typeof t.parent === "string" ? t.parent : null };
    });
    if (this.complete) {
      var self = this;
      this.overview.forEach(function (n) { self.loaded.add(n.id); });
    }
  }

  Model.prototype.merge = function (g) {
    var self = this;
    g.nodes.forEach(function (n) {
      if (self.byId.has(n.id)) return;
      n.rank = Infinity; // entries from outside the overview come after it
      n.inOverview = false;
      self.byId.set(n.id, n);
    });
    g.edges.forEach(function (e) {
      var key = e.source + "\u0000" + e.target;
      if (self.edgeKeys.has(key)) return;
      self.edgeKeys.add(key);
      self.edges.push(e);
      [[e.source, e.target], [e.target, e.source]].forEach(function (pair) {
        if (!self.adjacent.has(pair[0])) self.adjacent.set(pair[0], []);
        self.adjacent.get(pair[0]).push({ id: pair[1], kind: e.kind });
      });
    });
  };

  Model.prototype.node = function (id) {
    return this.byId.get(id) || null;
  };

  /** Promise: the neighbourhood of `id` (and, for depth > 1, of its most important neighbours) is known. */
  Model.prototype.reach = function (id, depth) {
    var self = this;
    if (this.complete) return Promise.resolve();
    function one(node) {
      if (self.loaded.has(node) || !ID_RE.test(node)) return Promise.resolve();
      return data.load(self.ctx, "graph/nodes/" + node).then(function (payload) {
        self.merge(dom.subgraph(payload, self.edgeKinds));
        self.loaded.add(node);
      });
    }
    return one(id).then(function () {
      if (depth < 2) return null;
      var next = (self.adjacent.get(id) || []).map(function (a) { return self.byId.get(a.id); }).filter(Boolean);
      next.sort(function (a, b) { return a.rank - b.rank || dom.byWeight(a, b); });
      return Promise.all(next.slice(0, FETCH_LIMIT).map(function (n) { return one(n.id).catch(self.ctx.report); }));
    });
  };

  /** Promise: the papers of `topic` are known (from its lineage file when the overview is not everything). */
  Model.prototype.reachTopic = function (topic) {
    var self = this;
    if (this.complete || !topic || this.topicPapers.has(topic) || !ID_RE.test(topic)) return Promise.resolve();
    return data.load(this.ctx, "topics/" + topic + "/lineage").then(function (payload) {
      var g = dom.subgraph(payload, self.edgeKinds);
      self.merge(g);
      self.topicPapers.set(topic, new Set(g.nodes.map(function (n) { return n.id; })));
    });
  };

  /** Topic ids of `topic` and all its subtopics. */
  Model.prototype.closure = function (topic) {
    var children = new Map();
    this.topics.forEach(function (t) {
      if (!t.parent) return;
      if (!children.has(t.parent)) children.set(t.parent, []);
      children.get(t.parent).push(t.id);
    });
    var seen = new Set([topic]);
    var queue = [topic];
    while (queue.length) {
      (children.get(queue.shift()) || []).forEach(function (c) {
        if (!seen.has(c)) {
          seen.add(c);
          queue.push(c);
        }
      });
    }
    return seen;
  };

  function byRank(a, b) {
    return a.rank - b.rank || dom.byWeight(a, b);
  }

  /**
   * What to draw for `f` = {kinds: Set, edgeKinds: Set, topic, center, depth, cap}:
   * {nodes (best first), edges, center, distance: Map id -> hops from the center, candidates}.
   */
  Model.prototype.select = function (f) {
    var self = this;
    var closure = f.topic ? this.closure(f.topic) : null;
    var extra = f.topic ? this.topicPapers.get(f.topic) : null;
    function admitted(n) {
      if (!f.kinds.has(n.kind)) return false;
      if (!closure) return true;
      if (n.topics.some(function (t) { return closure.has(t); })) return true;
      return !!(extra && extra.has(n.id));
    }
    var center = f.center && this.byId.has(f.center) ? f.center : null;
    var pool;
    var distance = new Map();
    if (center) {
      distance.set(center, 0);
      var frontier = [center];
      for (var d = 1; d <= f.depth; d++) {
        var next = [];
        frontier.forEach(function (id) {
          (self.adjacent.get(id) || []).forEach(function (a) {
            var n = self.byId.get(a.id);
            if (!distance.has(a.id) && f.edgeKinds.has(a.kind) && n && admitted(n)) {
              distance.set(a.id, d);
              next.push(a.id);
            }
          });
        });
        frontier = next;
      }
      pool = Array.from(distance.keys()).map(function (id) { return self.byId.get(id); });
    } else {
      pool = [];
      this.byId.forEach(function (n) {
        if ((n.inOverview || (extra && extra.has(n.id))) && admitted(n)) pool.push(n);
      });
    }
    pool.sort(function (a, b) {
      if (center && (a.id === center || b.id === center)) return a.id === center ? -1 : 1;
      if (center && distance.get(a.id) !== distance.get(b.id)) return distance.get(a.id) - distance.get(b.id);
      return byRank(a, b);
    });
    var nodes = pool.slice(0, Math.max(1, f.cap));
    var shown = new Set(nodes.map(function (n) { return n.id; }));
    var edges = this.edges.filter(function (e) {
      return f.edgeKinds.has(e.kind) && shown.has(e.source) && shown.has(e.target);
    });
    return { nodes: nodes, edges: edges, center: center, distance: distance, candidates: pool.length };
  };

  return { Model: Model, ID_RE: ID_RE };
});
