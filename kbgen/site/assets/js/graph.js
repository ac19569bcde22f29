/*
 * js/graph.js: the graph explorer (/graph/).
 *
 *   <div id="kb-graph-app"></div>
 *
 * Reads graph/overview.js, then builds the filters (graph-controls.js), the
 * canvas (graph-view.js) and a plain list of links to the shown entries (the
 * keyboard and screen-reader alternative). Clicking a node opens its page.
 * window.kbgenGraph = {cy, model, view, visibleCount(), refresh(), labelBoxes(), focus(text)}
 * once the graph is drawn. Without the overview or cytoscape, the div says so.
 */
window.kbgen.define("graph", ["dom", "data", "names", "graphModel", "graphView", "graphControls"],
  function (dom, data, names, graphModel, graphView, graphControls) {
    "use strict";

    var current = null;

    function init(root, ctx) {
      var app = root.querySelector("#kb-graph-app");
      if (current && current.app !== app) {
        current.view.destroy();
        current = null;
        window.kbgenGraph = undefined;
      }
      if (!app || app.hasAttribute("data-kb-init")) return;
      app.setAttribute("data-kb-init", "");
      if (typeof window.cytoscape !== "function") {
        dom.message(app, "The graph explorer needs its script (cytoscape.min.js), which did not load.");
        return;
      }
      dom.message(app, "Loading the knowledge graph\u2026");
      data.load(ctx, "graph/overview").then(function (payload) {
        if (!app.isConnected) return;
        var model = new graphModel.Model(ctx, payload || {});
        if (!model.overview.length) {
          dom.message(app, "The knowledge base has no papers, concepts, stories or resources to draw yet.");
          return;
        }
        build(app, model, ctx);
      }).catch(function (err) {
        if (!app.isConnected) return;
        dom.message(app, "The knowledge graph could not be loaded (" + (err && err.message ? err.message : "unknown error") + ").");
      });
    }

    function fillList(list, nodes, ctx) {
      dom.clear(list);
      nodes.forEach(function (n) {
        var item = dom.el("li");
        var href = dom.pageHref(ctx, n.url);
        var text = n.label !== n.title ? n.label + " \u2014 " + n.title : n.title;
        if (n.year !== null) text += " (" + n.year + ")";
        item.appendChild(href ? dom.el("a", { href: href }, text) : dom.el("span", null, text));
        item.appendChild(document.createTextNode(" \u00b7 " + n.kind));
        list.appendChild(item);
      });
    }

    function build(app, model, ctx) {
      dom.clear(app);
      var index = new names.Index(ctx, model.overview, model.complete ? [] : model.nameFiles);
      var center = null;
      var generation = 0;
      var wrap = dom.el("div", { "class": "kb-graph" });
      var controls = new graphControls.Controls(model, function () { apply(); });
      wrap.appendChild(controls.form);
      var canvas = dom.el("div", {
        "class": "kb-graph__canvas", role: "img",
        "aria-label": "Knowledge graph: click a node to open its page; scroll to zoom, drag to pan. The list below has the same entries as links."
      });
      wrap.appendChild(canvas);
      wrap.appendChild(dom.el("p", { "class": "kb-graph__hint" },
        "Click a node to open its page. Scroll or pinch to zoom (more names appear), drag to pan, hover for a name. " +
        "Bigger papers are more important among the papers (PageRank over their citations)."));
      var listBox = dom.el("details", { "class": "kb-graph__list" });
      listBox.appendChild(dom.el("summary", null, "Shown entries as a list"));
      var list = dom.el("ul");
      listBox.appendChild(list);
      wrap.appendChild(listBox);
      app.appendChild(wrap);

      var view = new graphView.View(canvas, model.kinds, model.overview.length > 400);
      var cy = view.cy;

      function apply() {
        var f = controls.filters();
        f.center = center;
        var mine = ++generation;
        var ready = Promise.all([center ? model.reach(center, f.depth) : null, model.reachTopic(f.topic)]);
        return ready.catch(ctx.report).then(function () {
          if (mine !== generation || !app.isConnected) return;
          var sel = model.select(f);
          view.show(sel);
          var linked = new Set();
          sel.edges.forEach(function (e) { linked.add(e.source); linked.add(e.target); });
          var isolated = sel.center ? 0 : sel.nodes.filter(function (n) { return !linked.has(n.id); }).length;
          controls.count(sel.nodes.length, model.total, isolated);
          fillList(list, sel.nodes, ctx);
        });
      }

      function focusOn(text) {
        if (!text) {
          center = null;
          controls.say("");
          return apply();
        }
        return index.lookup(text).then(function (hits) {
          if (!hits.length) {
            controls.say("No entry is called \u201c" + text + "\u201d. Try its id, short name, another name or its title.", true);
            return null;
          }
          var best = hits[0];
          center = best.id;
          var others = hits.length > 1 ? " (" + (hits.length - 1) + " more share this name)" : "";
          controls.say("Showing " + best.label + (best.label !== best.title ? " \u2014 " + best.title : "") + others + ".", false);
          return apply();
        }, function (err) {
          controls.say("The names could not be loaded (" + (err && err.message ? err.message : "error") + ").", true);
        });
      }
      controls.onFocus = focusOn;

      var typed = 0;
      controls.onType = function (text) {
        var mine = ++typed;
        index.suggest(text, 20).then(function (hits) { if (mine === typed) controls.suggest(hits); });
      };

      cy.on("tap", "node", function (ev) {
        var n = model.node(ev.target.id());
        var href = n && dom.pageHref(ctx, n.url);
        if (href) window.location.assign(href);
      });
      cy.on("mouseover", "node", function (ev) {
        ev.target.addClass("kb-hover");
        canvas.style.cursor = "pointer";
        var n = model.node(ev.target.id());
        if (n) canvas.setAttribute("title", n.title + (n.year !== null ? " (" + n.year + ")" : ""));
      });
      cy.on("mouseout", "node", function (ev) {
        ev.target.removeClass("kb-hover");
        canvas.style.cursor = "";
        canvas.removeAttribute("title");
      });

      // Follow Material's light/dark palette switch.
      var observer = new MutationObserver(function () {
        if (!app.isConnected) {
          observer.disconnect();
          return;
        }
        view.restyle();
      });
      observer.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });

      current = { app: app, view: view };
      apply().then(function () {
        window.kbgenGraph = {
          cy: cy,
          model: model,
          view: view,
          visibleCount: function () { return cy.nodes().length; },
          refresh: apply,
          labelBoxes: function () { return view.labelBoxes(); },
          focus: function (text) {
            controls.focus.value = text;
            return focusOn(text);
          }
        };
      });
    }

    return { init: init };
  });
