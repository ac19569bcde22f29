/*
 * search-worker.js: Material for MkDocs' search, answered by Pagefind.
 *
 * Material's search box, result list and keyboard stay as they are. They
 * talk to a web worker (assets/javascripts/workers/search.*.min.js) in four
 * messages: SETUP (0, the lunr index) -> READY (1); QUERY (2, the text) ->
 * RESULT (3, {items: [[page, ...sections]]}). After a build, kbgen puts a
 * two-line stand-in at that worker's address which sets
 * self.kbgenPagefind (the bundle's URL, relative to the worker) and loads
 * this file. Material's search_index.json is then a stub with no documents,
 * so a page view downloads ~200 bytes for search, not the whole site's text.
 *
 * Pagefind (pagefind/pagefind.js, an ES module, served from the site itself)
 * is imported on the first non-empty query, and fetches only the index
 * chunks and result fragments that query needs. Results whose `names`
 * metadata (normalised: letters and digits, lower case) equals the query
 * come first, then those one typo away: an entity's own page leads for its
 * short name, alias, id or title. Everything shown is escaped: Material writes title and text as HTML.
 *
 * Sites opened from disk (kbgen build --offline) keep Material's lunr worker:
 * a worker cannot import modules or fetch over file://.
 */
(function () {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var SHOWN = 20; // results whose fragments are loaded: an exact name is put first among these
  var SECTIONS = 3; // matching sections listed under a page
  var PAUSE = 100; // ms without a keystroke before searching: a word typed is one search, not one per letter
  var pagefind = null;
  var latest = 0;

  function normalise(text) {
    var s = String(text || "").normalize("NFKD").toLowerCase();
    return s.replace(/[\u0300-\u036f]/g, "").replace(/[^\p{L}\p{N}]/gu, "");
  }

  function escapeText(text) {
    return String(text || "").replace(/&(?![#\w]+;)/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // Pagefind's excerpts are text with <mark> around the hits: keep the marks, escape the rest.
  function excerpt(html) {
    var marked = String(html || "").replace(/<mark>/g, "\u0001").replace(/<\/mark>/g, "\u0002");
    marked = marked.replace(/<[^>]*>/g, "");
    return escapeText(marked).replace(/\u0001/g, "<mark>").replace(/\u0002/g, "</mark>");
  }

  function load() {
    if (!pagefind) {
      var url = new URL(self.kbgenPagefind || "../../../pagefind/pagefind.js", self.location.href).href;
      pagefind = import(url).then(function (pf) {
        return pf.options({ excerptLength: 24 }).then(function () { return pf.init(); }).then(function () { return pf; });
      });
    }
    return pagefind;
  }

  function location(url) {
    return String(url || "").replace(/^\//, "");
  }

  function group(data, score, terms) {
    var title = escapeText((data.meta && data.meta.title) || data.url);
    var page = { location: location(data.url), title: title, text: excerpt(data.excerpt), score: score, terms: terms };
    var items = [page];
    (data.sub_results || []).forEach(function (sub) {
      if (items.length > SECTIONS || String(sub.url).indexOf("#") < 0) return;
      items.push({ location: location(sub.url), title: escapeText(sub.title), text: excerpt(sub.excerpt),
        score: items.length === 1 ? score : score / 2, terms: terms });
    });
    return items;
  }

  function names(data) {
    return String((data.meta && data.meta.names) || "").split(" ");
  }

  // At most one letter added, dropped, changed or two swapped ("resnt", "resent" for resnet).
  function near(a, b) {
    if (Math.abs(a.length - b.length) > 1 || a.length < 4) return false;
    var i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    var restA = a.slice(i + 1), restB = b.slice(i + 1);
    return restA === restB || a.slice(i) === b.slice(i + 1) || a.slice(i + 1) === b.slice(i)
      || (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2));
  }

  // 2: the query is one of the entry's names; 1: nearly one (a typo); 0: neither.
  function nameMatch(data, wanted) {
    var list = names(data);
    if (list.indexOf(wanted) >= 0) return 2;
    return list.some(function (n) { return near(wanted, n); }) ? 1 : 0;
  }

  function search(query, ticket) {
    var wanted = normalise(query);
    var words = String(query).toLowerCase().split(/\s+/).filter(Boolean);
    var terms = {};
    words.forEach(function (w) { terms[w] = true; });
    if (!wanted) return Promise.resolve({ items: [] });
    return load().then(function (pf) {
      return pf.search(query);
    }).then(function (found) {
      if (ticket !== latest) return null; // a newer query came: do not fetch this one's fragments
      var top = (found && found.results ? found.results : []).slice(0, SHOWN);
      return Promise.all(top.map(function (r) { return r.data(); })).then(function (datas) {
        var ranked = datas.map(function (data, i) {
          return { data: data, exact: nameMatch(data, wanted), order: i, score: top[i].score };
        });
        ranked.sort(function (a, b) { return (b.exact - a.exact) || (a.order - b.order); });
        var best = ranked.length ? ranked[0].score : 1;
        return { items: ranked.map(function (r, i) {
          // Material shows the scores' order only through data-md-score (Enter opens the highest).
          return group(r.data, Math.max(best, r.score) * (ranked.length - i), terms);
        }) };
      });
    });
  }

  self.addEventListener("message", function (ev) {
    var message = ev.data || {};
    if (message.type === SETUP) {
      self.postMessage({ type: READY });
    } else if (message.type === QUERY) {
      var ticket = ++latest;
      var query = message.data;
      // Load Pagefind while the reader is still typing, and the query's index chunks from three letters
      // on (a shorter prefix needs the chunks of every word it starts).
      if (normalise(query)) {
        load().then(function (pf) { return normalise(query).length >= 3 ? pf.preload(query) : null; })
          .catch(function () {});
      }
      self.setTimeout(function () {
        if (ticket !== latest) return;
        search(query, ticket).then(function (result) {
          if (result && ticket === latest) self.postMessage({ type: RESULT, data: result });
        }, function (err) {
          if (self.console) console.warn("kbgen search:", err);
          if (ticket === latest) self.postMessage({ type: RESULT, data: { items: [] } });
        });
      }, normalise(query) ? PAUSE : 0);
    }
  });
})();
