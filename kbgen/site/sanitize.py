"""HTML sanitising of pages: the one allowlist, for the HTML MkDocs renders and for exported Markdown.

The validator rejects raw scripts, event handlers and ``javascript:`` URLs in
Markdown (KB020), but a blocklist of patterns cannot foresee every browser
quirk (entity-encoded schemes, ``alt=">"`` before a handler, attr_list's
``{: onclick=... }``). So what reaches a reader passes an allowlist:

- in a kbgen build, the plugin runs :func:`sanitize_html` (nh3, bindings to
  the Rust ``ammonia`` library) on each page's HTML;
- in ``kbgen export``, nothing of kbgen runs at build time, so the exported
  Markdown itself is made safe by :mod:`kbgen.site.markdown_sanitizer`,
  with the same tags, attributes and URL schemes (:data:`TAGS`,
  :data:`ATTRIBUTES`, :data:`URL_SCHEMES`), so plain ``mkdocs build`` or
  Zensical render nothing the plugin would have removed.

The allowlist covers every element and attribute of kbgen's own generated
pages (tests/test_sanitizer.py checks it on the example site). The only
scripts kept are kbgen's own, and only with ``kbgen_scripts=True`` (for
generated pages): ``<script src="…assets/kbgen/…"></script>`` with no body.

>>> sanitize_html('<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">a</a></p>')
'<p>Hi <a>a</a></p>'
"""

from __future__ import annotations

import re

import nh3

TAGS = frozenset(nh3.ALLOWED_TAGS) | {
    "article", "aside", "button", "details", "figcaption", "figure", "footer", "header", "input", "label",
    "main", "mark", "nav", "path", "progress", "section", "summary", "svg", "time",
}
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "role", "hidden", "tabindex"})
ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": GLOBAL_ATTRIBUTES,
    "a": frozenset({"href", "name", "target", "hreflang", "download"}),
    "img": frozenset({"src", "alt", "width", "height", "loading", "decoding"}),
    "td": frozenset({"style", "colspan", "rowspan", "align"}),
    "th": frozenset({"style", "colspan", "rowspan", "align", "scope"}),
    "col": frozenset({"span", "width"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "input": frozenset({"type", "checked", "disabled", "name", "value"}),
    "button": frozenset({"type", "disabled"}),
    "label": frozenset({"for"}),
    "progress": frozenset({"value", "max"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open"}),
    # Inline icons (pymdownx.emoji renders Material's icons as SVG).
    "svg": frozenset({"viewBox", "viewbox", "xmlns", "width", "height", "fill", "focusable"}),
    "path": frozenset({"d", "fill", "fill-rule", "clip-rule"}),
}
#: Attribute prefixes allowed on every element.
ATTRIBUTE_PREFIXES = ("data-", "aria-")
#: Attributes whose value is a URL, checked against :data:`URL_SCHEMES`.
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "poster", "background", "longdesc"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Elements whose content is dropped with them.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "template"})

_OWN_SCRIPT = re.compile(r'<script src="(?:\.\./)*assets/kbgen/[A-Za-z0-9_./-]+\.js"></script>')
_PARKED = "\ue000kbgen-script-{}\ue000"


def sanitize_html(html: str, kbgen_scripts: bool = False) -> str:
    """Keep ordinary document markup; drop scripts, event handlers and non-http(s) URLs.

    With ``kbgen_scripts``, kbgen's own script tags (exactly as its templates
    write them, loading a file of ``assets/kbgen/``) are kept.

    >>> sanitize_html('<script src="../assets/kbgen/x.js"></script>', kbgen_scripts=True)
    '<script src="../assets/kbgen/x.js"></script>'
    >>> sanitize_html('<script src="../assets/kbgen/x.js">alert(1)</script>', kbgen_scripts=True)
    ''
    """
    parked: list[str] = []
    if kbgen_scripts and "<script" in html:
        def park(m: re.Match[str]) -> str:
            parked.append(m.group(0))
            return _PARKED.format(len(parked) - 1)

        html = _OWN_SCRIPT.sub(park, html.replace("\ue000", ""))
    clean = nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        generic_attribute_prefixes=set(ATTRIBUTE_PREFIXES),
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )
    for i, tag in enumerate(parked):
        clean = clean.replace(_PARKED.format(i), tag)
    return clean


def attribute_allowed(tag: str, name: str) -> bool:
    """Whether ``name`` may stay on ``<tag>`` (the same rule nh3 applies).

    >>> attribute_allowed("a", "href"), attribute_allowed("p", "onclick"), attribute_allowed("li", "data-id")
    (True, False, True)
    """
    name = name.lower()
    if name.startswith("on"):
        return False
    if name.startswith(ATTRIBUTE_PREFIXES):
        return re.fullmatch(r"[a-z0-9_.:-]+", name) is not None
    return name in GLOBAL_ATTRIBUTES or name in ATTRIBUTES.get(tag, ()) or name in {
        n.lower() for n in ATTRIBUTES.get(tag, ())}
