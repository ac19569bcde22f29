"""HTML sanitising of contributed pages: defence in depth behind the validator.

The validator rejects raw scripts, event handlers and ``javascript:`` URLs in
Markdown (KB020), but a blocklist of patterns cannot foresee every browser
quirk (entity-encoded schemes, odd attribute separators). So the HTML that
MkDocs renders from a contributor's Markdown goes through an allowlist
sanitiser (nh3, bindings to the Rust ``ammonia`` library) before it reaches a
reader. Generated pages are not passed through it: their templates escape
every value instead.

>>> sanitize_html('<p onclick="x()">Hi <script>alert(1)</script><a href="javascript:alert(1)">a</a></p>')
'<p>Hi <a>a</a></p>'
"""

from __future__ import annotations

import nh3

_TAGS = set(nh3.ALLOWED_TAGS) | {
    "article", "aside", "button", "details", "figcaption", "figure", "footer", "header", "input", "label",
    "main", "mark", "nav", "path", "progress", "section", "summary", "svg", "time",
}
_GLOBAL_ATTRIBUTES = {"class", "id", "title", "lang", "dir", "role", "hidden", "tabindex"}
_ATTRIBUTES = {
    "*": _GLOBAL_ATTRIBUTES,
    "a": {"href", "name", "target", "hreflang", "download"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"style", "colspan", "rowspan", "align"},
    "th": {"style", "colspan", "rowspan", "align", "scope"},
    "col": {"span", "width"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "input": {"type", "checked", "disabled", "name", "value"},
    "button": {"type", "disabled"},
    "label": {"for"},
    "progress": {"value", "max"},
    "time": {"datetime"},
    "details": {"open"},
    # Inline icons (pymdownx.emoji renders Material's icons as SVG).
    "svg": {"viewBox", "viewbox", "xmlns", "width", "height", "fill", "focusable"},
    "path": {"d", "fill", "fill-rule", "clip-rule"},
}


def sanitize_html(html: str) -> str:
    """Keep ordinary document markup; drop scripts, event handlers and non-http(s) URLs."""
    return nh3.clean(
        html,
        tags=_TAGS,
        clean_content_tags={"script", "style", "template"},
        attributes=_ATTRIBUTES,
        generic_attribute_prefixes={"data-", "aria-"},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )
