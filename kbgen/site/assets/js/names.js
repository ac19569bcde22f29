/*
 * js/names.js: finding an entry by what a reader types, the way people name
 * papers: its id, its short name (ViT), an alias (Vision Transformer) or its
 * title, with case, accents, spaces and punctuation aside.
 *
 * When the graph overview holds every entity, the look-up is local. Otherwise
 * the names of all entities are in data files graph/names/<prefix>.js
 * (kbgen/site/data.py); the overview lists their prefixes, and one file is
 * read: the one of the longest listed prefix of the typed name.
 */
window.kbgen.define("names", ["data"], function (data) {
  "use strict";

  var FIELDS = ["id", "short", "alias", "title"];
  // Decomposed accents are marks, not letters: this drops them too.
  var NOT_ALNUM = /[^\p{L}\p{N}]+/gu;

  /** The same form as kbgen.site.data.normalise_name: "Vision Transformer" -> "visiontransformer". */
  function normalise(text) {
    return String(text || "").normalize("NFKD").toLowerCase().replace(NOT_ALNUM, "");
  }

  /** kbgen.site.data.name_shard: the first `length` characters, "_" for anything not ASCII or missing. */
  function shard(key, length) {
    var chars = Array.from(key); // code points, as Python counts them
    var head = "";
    for (var i = 0; i < length; i++) head += /^[a-z0-9]$/.test(chars[i] || "") ? chars[i] : "_";
    return head;
  }

  function entriesOf(record) {
    var out = [[record.id, 0], [record.short || "", 1]];
    record.aliases.forEach(function (a) { out.push([a, 2]); });
    out.push([record.title, 3]);
    var seen = {};
    return out.map(function (pair) { return [normalise(pair[0]), pair[1]]; }).filter(function (pair) {
      if (!pair[0] || seen[pair[0]]) return false;
      seen[pair[0]] = true;
      return true;
    });
  }

  /**
   * The look-up of one graph: `records` are the overview's (in order of
   * importance), `files` the listed name-file prefixes (empty: all is local).
   */
  function Index(ctx, records, files) {
    this.ctx = ctx;
    this.files = new Set(files || []);
    this.longest = 0;
    var self = this;
    this.files.forEach(function (f) { self.longest = Math.max(self.longest, f.length); });
    this.local = [];
    this.rank = new Map();
    records.forEach(function (r, i) {
      self.rank.set(r.id, i);
      entriesOf(r).forEach(function (pair) {
        self.local.push({ key: pair[0], field: pair[1], id: r.id, label: r.label, title: r.title });
      });
    });
  }

  Index.prototype.fileFor = function (key) {
    for (var n = this.longest; n >= 1; n--) {
      var prefix = shard(key, n);
      if (this.files.has(prefix)) return prefix;
    }
    return null;
  };

  /** Promise of the entries that could match `key`: local, or the one names file. */
  Index.prototype.entries = function (key) {
    if (!this.files.size) return Promise.resolve(this.local);
    var file = this.fileFor(key);
    if (!file) return Promise.resolve([]);
    return data.load(this.ctx, "graph/names/" + file).then(function (payload) {
      var rows = payload && Array.isArray(payload.entries) ? payload.entries : [];
      return rows.filter(function (row) {
        return Array.isArray(row) && typeof row[0] === "string" && typeof row[2] === "string";
      }).map(function (row) {
        return { key: row[0], field: row[1] | 0, id: row[2], label: String(row[3] || row[2]), title: String(row[4] || row[2]) };
      });
    });
  };

  Index.prototype.sort = function (hits) {
    var rank = this.rank;
    function r(id) { return rank.has(id) ? rank.get(id) : Infinity; }
    return hits.sort(function (a, b) {
      return a.field - b.field || r(a.id) - r(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
  };

  function unique(hits) {
    var seen = new Set();
    return hits.filter(function (h) {
      if (seen.has(h.id)) return false;
      seen.add(h.id);
      return true;
    });
  }

  /**
   * Promise of the entries named exactly `text` (normalised), best first: an id
   * before a short name, an alias, then a title; then the more important.
   * "ViT — An Image is Worth…" (a suggestion's own text) is looked up by both parts.
   */
  Index.prototype.lookup = function (text) {
    var self = this;
    var parts = [text].concat(String(text || "").split(/\s+[\u2014\u2013-]\s+/));
    var keys = parts.map(normalise).filter(Boolean);
    if (!keys.length) return Promise.resolve([]);
    return Promise.all(keys.map(function (key) {
      return self.entries(key).then(function (rows) { return rows.filter(function (e) { return e.key === key; }); });
    })).then(function (lists) {
      for (var i = 0; i < lists.length; i++) if (lists[i].length) return unique(self.sort(lists[i]));
      return [];
    });
  };

  /** Promise of up to `limit` entries whose names start with `text`, for the suggestions list. */
  Index.prototype.suggest = function (text, limit) {
    var key = normalise(text);
    var self = this;
    if (key.length < 2) return Promise.resolve([]);
    return this.entries(key).then(function (rows) {
      var hits = rows.filter(function (e) { return e.key.indexOf(key) === 0; });
      return unique(self.sort(hits)).slice(0, limit || 20);
    }).catch(function () { return []; });
  };

  return { Index: Index, normalise: normalise, shard: shard, FIELDS: FIELDS };
});
