"""The sanitiser keeps what Python-Markdown and Material produce and drops active content."""

from __future__ import annotations

import pytest

from kbgen.site.sanitize import sanitize_html

KEEP = [
    '<h2 id="why">Why<a class="headerlink" href="#why" title="Permanent link">¶</a></h2>',
    '<div class="admonition note">\n<p class="admonition-title">Note</p>\n<p>Text</p>\n</div>',
    '<pre class="mermaid"><code>flowchart LR\n  a --&gt; b</code></pre>',
    '<p><span class="arithmatex">\\(x^2\\)</span></p>',
    '<table>\n<thead>\n<tr>\n<th style="text-align: left;">a</th>\n</tr>\n</thead>\n</table>',
    '<p><a href="../papers/vit/">ViT</a> and <a href="https://arxiv.org/abs/2010.11929">arXiv</a></p>',
    '<p><img alt="fig" src="img/fig.png"></p>',
    '<button class="kb-known md-button" data-id="vit" type="button" aria-pressed="false">Mark as read</button>',
    '<details class="tip" open=""><summary>More</summary><p>x</p></details>',
    '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>',
]


@pytest.mark.parametrize("html", KEEP)
def test_ordinary_markup_survives(html: str) -> None:
    cleaned = sanitize_html(html)
    for fragment in ("href=", "class=", "data-id", "text-align", "mermaid", "open", "src="):
        assert (fragment in html) == (fragment in cleaned), fragment


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="java\tscript:alert(1)">x</a>',
    '<iframe src="https://example.org"></iframe>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<div style="position:fixed;top:0">overlay</div>',
    '<object data="x.swf"></object><embed src="x">',
    '<form action="https://evil.example"><input type="submit"></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
])
def test_active_content_is_removed(payload: str) -> None:
    cleaned = sanitize_html(payload).lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "<iframe", "data:text", "position:fixed",
                "<object", "<embed", "<form", "<meta"):
        assert bad not in cleaned, (payload, cleaned)


def test_inline_icons_keep_their_view_box() -> None:
    icon = '<span class="twemoji"><svg viewBox="0 0 24 24"><path d="M1 2"></path></svg></span>'
    assert 'viewBox="0 0 24 24"' in sanitize_html(icon)
