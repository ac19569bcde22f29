"""The sanitiser keeps what Python-Markdown and Material produce and drops active content."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_kbgen_scripts_are_kept_only_when_asked_and_only_exactly() -> None:
    own = '<script src="../assets/kbgen/vendor/cytoscape/cytoscape.min.js"></script>'
    assert sanitize_html(own) == ""
    assert sanitize_html(own, kbgen_scripts=True) == own
    for lookalike in ['<script src="https://evil.example/assets/kbgen/x.js"></script>',
                      '<script src="../assets/kbgen/x.js" onload="alert(1)"></script>',
                      '<script src="../assets/kbgen/x.js">alert(1)</script>',
                      '<script src="../assets/kbgen/../../x.js?"></script>']:
        assert "alert" not in sanitize_html(lookalike, kbgen_scripts=True)
        assert "evil" not in sanitize_html(lookalike, kbgen_scripts=True)


@pytest.mark.slow
def test_the_allowlist_keeps_every_generated_page_whole(tmp_path) -> None:
    """So the plugin can sanitise generated pages too: nothing kbgen writes is dropped."""
    import collections
    import re
    import shutil
    import subprocess
    import sys
    from html.parser import HTMLParser
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "site-kb"
    root = tmp_path / "kb"
    shutil.copytree(fixture, root)
    subprocess.run([sys.executable, "-m", "kbgen", "build", "--root", str(root), "--site-dir", str(tmp_path / "site")],
                   check=True, capture_output=True, timeout=600)

    class Count(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.seen: collections.Counter = collections.Counter()

        def handle_starttag(self, tag, attrs) -> None:
            self.seen[tag] += 1
            self.seen.update(f"{tag}[{name}]" for name, _ in attrs)

    checked = 0
    for page in (tmp_path / "site").rglob("index.html"):
        m = re.search(r'<article class="md-content__inner md-typeset">(.*)</article>', page.read_text(), re.S)
        if m is None:
            continue
        before, after = Count(), Count()
        before.feed(m.group(1))
        after.feed(sanitize_html(m.group(1), kbgen_scripts=True))
        assert before.seen == after.seen, page
        checked += 1
    assert checked > 10


# -- neutralise_schemes works on pieces, not characters: the same result as the character walk it replaced --

def _neutralise_by_characters(text: str) -> str:
    """The character-by-character walk neutralise_schemes used before (the oracle of the test below)."""
    import html as _html

    from kbgen.site.tags import _EXECUTING, _REFERENCE, _URL_STARTERS, NEUTRAL_PREFIX

    lowered = text.lower()
    if "script" not in lowered and "data" not in lowered and "&" not in text:
        return text
    view, where, pos = [], [], 0
    for m in _REFERENCE.finditer(text):
        for k in range(pos, m.start()):
            view.append(text[k])
            where.append(k)
        for ch in _html.unescape(m.group(0)):
            view.append(ch)
            where.append(m.start())
        pos = m.end()
    for k in range(pos, len(text)):
        view.append(text[k])
        where.append(k)
    kept = [(ch.lower(), at) for ch, at in zip(view, where) if ch not in "\t\n\r"]
    flat = "".join(ch for ch, _ in kept)
    inserts = set()
    for m in _EXECUTING.finditer(flat):
        k = m.start() - 1
        while k >= 0 and flat[k] <= " ":
            k -= 1
        if k >= 0 and flat[k] in _URL_STARTERS:
            inserts.add(kept[m.start()][1])
    for at in sorted(inserts, reverse=True):
        text = text[:at] + NEUTRAL_PREFIX + text[at:]
    return text


_PIECES = st.sampled_from(["javascript:", "JaVaScRiPt:", "data:", "vbscript:", "java\tscript:", "java\nscript:",
                           "&#106;", "&#x6A;", "&#x0000006A", "&colon;", "&#58;", "&Tab;", "&NewLine;", "&amp;",
                           "&#10;", "(", "<", '"', "'", "=", "]:", " ", "\x01", "a", "href=", "x", "&", "#"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES | st.text(alphabet=st.characters(codec="ascii"), max_size=4), max_size=25))
def test_neutralise_schemes_matches_the_character_walk(parts):
    from kbgen.site.tags import neutralise_schemes

    text = "".join(parts)
    assert neutralise_schemes(text) == _neutralise_by_characters(text)
