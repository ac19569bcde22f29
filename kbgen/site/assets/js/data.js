/*
 * js/data.js: the site's data files (kbgen/site/data.py), loaded on demand.
 *
 * A data file is a script `kbgenData("<key>", {...});` at <site root>/<key>.js.
 * Scripts rather than JSON because a page opened from disk (file://) may load
 * a script but not fetch() a file. Only keys made of plain path segments are
 * loaded, and only from the page's own origin.
 */
window.kbgen.define("data", [], function () {
  "use strict";

  var KEY_RE = /^[a-z0-9_-]+(?:\/[a-z0-9_-]+)*$/;
  var delivered = {};
  var pending = {};

  // The data files call this global; it only stores what they hand over.
  window.kbgenData = function (key, payload) {
    if (typeof key === "string") delivered[key] = payload;
  };

  function sameOrigin(url) {
    if (window.location.protocol === "file:") return url.protocol === "file:";
    return url.origin === window.location.origin;
  }

  /** Promise of the payload of data file `key` (cached; a failure is retried next time). */
  function load(ctx, key) {
    if (typeof key !== "string" || !KEY_RE.test(key)) return Promise.reject(new Error("bad data key " + key));
    if (Object.prototype.hasOwnProperty.call(delivered, key)) return Promise.resolve(delivered[key]);
    if (pending[key]) return pending[key];
    var url;
    try {
      url = new URL(ctx.siteRoot + key + ".js", document.baseURI);
    } catch (e) {
      return Promise.reject(new Error("bad data address"));
    }
    if (!sameOrigin(url)) return Promise.reject(new Error("data must come from this site"));
    pending[key] = new Promise(function (resolve, reject) {
      var node = document.createElement("script");
      node.src = url.href;
      node.async = true;
      node.onload = function () {
        node.remove();
        delete pending[key];
        if (Object.prototype.hasOwnProperty.call(delivered, key)) resolve(delivered[key]);
        else reject(new Error(key + ".js held no data"));
      };
      node.onerror = function () {
        node.remove();
        delete pending[key];
        reject(new Error("could not load " + key + ".js"));
      };
      document.head.appendChild(node);
    });
    return pending[key];
  }

  return { load: load, KEY_RE: KEY_RE };
});
