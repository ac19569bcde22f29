/*
 * js/graph-controls.js: the graph explorer's filters, as a plain form.
 *
 * form.kb-graph__controls holds: input[data-kb-kind=<kind>] per entity kind
 * (from the kinds table in the overview), input[data-kb-edge=prerequisite|cites],
 * select[data-kb-topic] ("" = all; a topic includes its subtopics), the entry
 * box input[data-kb-focus] with its suggestions and p.kb-graph__status (says
 * when nothing matches), select[data-kb-depth] (1-3), select[data-kb-cap],
 * and the counter p.kb-graph__count[data-kb-count].
 */
window.kbgen.define("graphControls", ["dom"], function (dom) {
  "use strict";

  var EDGE_LABELS = { prerequisite: "prerequisite (read before)", cites: "cites" };
  var DEFAULT_CAP = 150;

  function group(legend) {
    var set = dom.el("fieldset", { "class": "kb-graph__group" });
    set.appendChild(dom.el("legend", null, legend));
    return set;
  }

  function check(attrs, swatchClass, text) {
    var label = dom.el("label", { "class": "kb-graph__check" });
    var box = dom.el("input", attrs);
    box.checked = true;
    label.appendChild(box);
    label.appendChild(dom.el("span", { "class": swatchClass, "aria-hidden": "true" }));
    label.appendChild(document.createTextNode(" " + text));
    return { label: label, box: box };
  }

  function select(name, attr, options, value) {
    var node = dom.el("select", { name: name });
    node.setAttribute(attr, "");
    options.forEach(function (o) { node.appendChild(dom.el("option", { value: o[0] }, o[1])); });
    node.value = value;
    return node;
  }

  function field(text, control) {
    var label = dom.el("label", { "class": "kb-graph__field" }, text + " ");
    label.appendChild(control);
    return label;
  }

  /** Build the form for `model` (graph-model.js); `onChange()` runs after every change. */
  function Controls(model, onChange) {
    var self = this;
    this.form = dom.el("form", { "class": "kb-graph__controls", "aria-label": "Graph filters", role: "search" });
    this.form.addEventListener("submit", function (ev) { ev.preventDefault(); self.focusChanged(); });

    var kinds = group("Show");
    this.kindBoxes = {};
    model.kinds.forEach(function (k) {
      var count = model.counts[k.name] | 0;
      var c = check({ type: "checkbox", name: "kind", value: k.name, "data-kb-kind": k.name },
        "kb-swatch kb-swatch--" + k.name, k.plural.toLowerCase() + " (" + count + ")");
      c.box.disabled = count === 0;
      self.kindBoxes[k.name] = c.box;
      kinds.appendChild(c.label);
    });
    this.form.appendChild(kinds);

    var edges = group("Edges");
    this.edgeBoxes = {};
    model.edgeKinds.forEach(function (k) {
      var c = check({ type: "checkbox", name: "edge", value: k, "data-kb-edge": k }, "kb-line kb-line--" + k,
        EDGE_LABELS[k] || k);
      self.edgeBoxes[k] = c.box;
      edges.appendChild(c.label);
    });
    this.form.appendChild(edges);

    var topics = model.topics.slice().sort(function (a, b) { return a.title.localeCompare(b.title); });
    this.topic = select("topic", "data-kb-topic", [["", "All topics"]].concat(topics.map(function (t) {
      return [t.id, t.title];
    })), "");
    this.form.appendChild(field("Topic", this.topic));

    var local = group("Around one entry");
    var listId = dom.nextId("kb-graph-names");
    var statusId = dom.nextId("kb-graph-status");
    this.datalist = dom.el("datalist", { id: listId });
    this.focus = dom.el("input", {
      type: "search", name: "focus", list: listId, placeholder: "name, short name or id", autocomplete: "off",
      spellcheck: "false", "data-kb-focus": "", "aria-describedby": statusId
    });
    local.appendChild(field("Entry", this.focus));
    local.appendChild(this.datalist);
    this.status = dom.el("p", { "class": "kb-graph__status", id: statusId, role: "status" });
    local.appendChild(this.status);
    this.depth = select("depth", "data-kb-depth", [["1", "1"], ["2", "2"], ["3", "3"]],
      model.complete ? "2" : "1");
    local.appendChild(field("Depth", this.depth));
    this.clearButton = dom.el("button", { type: "button", "class": "md-button kb-graph__clear" }, "Clear");
    local.appendChild(this.clearButton);
    this.form.appendChild(local);

    var size = model.overview.length;
    var caps = [50, DEFAULT_CAP, 300, 1000].filter(function (n) { return n < size || n === DEFAULT_CAP; }).map(function (n) {
      return [String(n), "top " + n + " by importance"];
    });
    caps.push(["all", model.complete ? "show all (" + size + ")" : "all " + size + " of the overview"]);
    this.cap = select("cap", "data-kb-cap", caps, String(DEFAULT_CAP));
    this.form.appendChild(field("Limit", this.cap));

    this.counter = dom.el("p", { "class": "kb-graph__count", "data-kb-count": "0", "aria-live": "polite" });
    this.form.appendChild(this.counter);
    if (!model.complete) {
      this.form.appendChild(dom.el("p", { "class": "kb-graph__note kb-reason" },
        "The overview holds the " + size + " most important of " + model.total +
        " entries; name any entry above to see its neighbourhood."));
    }

    this.onChange = onChange;
    this.onFocus = null;
    this.onType = null;
    this.form.addEventListener("change", function (ev) {
      if (ev.target === self.focus) self.focusChanged();
      else onChange();
    });
    this.focus.addEventListener("input", function () {
      if (self.onType) self.onType(self.focus.value);
      if (!self.focus.value.trim()) self.focusChanged();
    });
    this.clearButton.addEventListener("click", function () {
      self.focus.value = "";
      self.focusChanged();
    });
  }

  Controls.prototype.focusChanged = function () {
    if (this.onFocus) this.onFocus(this.focus.value.trim());
  };

  /** The filters as graph-model.js select() reads them (without the center). */
  Controls.prototype.filters = function () {
    var self = this;
    var cap = this.cap.value === "all" ? Infinity : parseInt(this.cap.value, 10) || DEFAULT_CAP;
    return {
      kinds: new Set(Object.keys(this.kindBoxes).filter(function (k) { return self.kindBoxes[k].checked; })),
      edgeKinds: new Set(Object.keys(this.edgeBoxes).filter(function (k) { return self.edgeBoxes[k].checked; })),
      topic: this.topic.value,
      depth: parseInt(this.depth.value, 10) || 1,
      cap: cap
    };
  };

  /** Say what the entry box found: null (nothing typed), or the text of the status line. */
  Controls.prototype.say = function (text, invalid) {
    this.status.textContent = text || "";
    this.focus.setAttribute("aria-invalid", invalid ? "true" : "false");
  };

  Controls.prototype.suggest = function (hits) {
    var list = this.datalist;
    dom.clear(list);
    hits.forEach(function (h) {
      var text = h.label && h.label !== h.title ? h.label + " \u2014 " + h.title : h.title;
      list.appendChild(dom.el("option", { value: text }));
    });
  };

  Controls.prototype.count = function (shown, total, isolated) {
    this.counter.setAttribute("data-kb-count", String(shown));
    var text = dom.plural(shown, "node", "nodes") + " shown \u00b7 " + total + " in total";
    if (isolated) text += " \u00b7 " + isolated + " without a shown link, in rows below";
    this.counter.textContent = text;
  };

  return { Controls: Controls, DEFAULT_CAP: DEFAULT_CAP };
});
