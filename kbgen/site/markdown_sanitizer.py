"""Markdown that no Markdown renderer can turn into script: the sanitiser of ``kbgen export``.

An exported tree is built by plain ``mkdocs build`` (or Zensical), where no
kbgen code runs, so the allowlist of :mod:`kbgen.site.sanitize` is applied
to the Markdown source itself, in a form every renderer reads alike:

1. **HTML**: every ``<`` that starts a tag is either rewritten as a canonical
   tag of the allowlist (lower-case name, allowed attributes only, each
   value entity-decoded, checked when it is a URL, and re-quoted with
   ``"``) or escaped as ``&lt;``. Quoting by the HTML5 rules (``alt=">"`` is
   one attribute) and re-quoting leave no room for two parsers to disagree
   on where a tag ends. Comments are dropped.
2. **attr_list**: a ``{: ... }`` list keeps classes, ids, valueless words
   and allowed attributes; ``{: onclick=... }`` or ``{: href=... }`` goes.
3. **URLs**: ``javascript:``, ``vbscript:``, ``livescript:`` and ``data:``
   where a link can start (after ``(``, ``<``, a quote, ``=`` or ``]:``) are
   made ``#unsafe-javascript:`` (a link to an anchor of the page), also when hidden by
   character references
   (``&#106;avascript&colon;``) or tabs (``java&Tab;script:``), which browsers
   decode in attributes and strip from URLs.
4. **Code** (fenced blocks, code spans) is left as it is when the rules
   above would not change it. Otherwise it is rewritten as HTML-escaped
   ``<pre><code>``/``<code>``: it looks the same when it really is code, and
   is harmless text when a renderer would not have taken it for code (a
   fence inside a raw ``<div>``).

:func:`sanitize_page` also rewrites the metadata the theme prints
(:func:`kbgen.site.escaping.escape_meta`), for YAML and MultiMarkdown front matter.

Limits: indented (four-space) code blocks are not recognised, so tags in
them show escaped; extensions that take attributes in their own syntax
(``pymdownx.blocks``' ``/// html | div[onclick=...]``) are not understood and
must not be enabled for untrusted content (docs/security.md).

>>> sanitize_markdown('<img alt=">" src=x onerror=alert(1)> [a](&#106;avascript:alert(1))')
'<img alt="&gt;" src="x"> [a](#unsafe-&#106;avascript:alert(1))'
>>> sanitize_markdown("# Title {: #t onclick=alert(1) }")
'# Title {: #t }'
"""

from __future__ import annotations

import html
import re

import yaml

from kbgen.parse.located import parse_yaml
from kbgen.parse.sources import mkdocs_front_matter, split_multimarkdown
from kbgen.site.escaping import escape_meta
from kbgen.site.sanitize import URL_ATTRIBUTES, attribute_allowed
from kbgen.site.tags import OWN_SCRIPT, canonical_tag, neutralise_schemes, parse_tag, rewrite_tags

__all__ = ["sanitize_markdown", "sanitize_page"]

_ATTR_LIST = re.compile(r"\{(:?)[ ]*([^}\n ][^}\n]*?)[ ]*\}")
_ATTR_TOKEN = re.compile(r"""[^ =}]+="[^"]*"|[^ =}]+='[^']*'|[^ =}]+=[^ =}]+|[^ =}]+| +""")


def _filter_attr_list(m: re.Match[str]) -> str:
    tokens = _ATTR_TOKEN.findall(m.group(2))
    kept = []
    for token in tokens:
        if token.isspace():
            continue
        key, eq, _ = token.partition("=")
        if not eq:
            kept.append(token)  # .class, #id, or a valueless attribute (an empty handler does nothing)
        elif attribute_allowed("*", key) and key.lower() not in URL_ATTRIBUTES and key.lower() != "style":
            kept.append(token)
    if len(kept) == len([t for t in tokens if not t.isspace()]):
        return m.group(0)
    return "{" + m.group(1) + " " + " ".join(kept) + " }" if kept else "{" + m.group(1) + " }"


def _sanitize_text(text: str, kbgen_scripts: bool) -> str:
    text = rewrite_tags(text, kbgen_scripts) if "<" in text else text
    text = _ATTR_LIST.sub(_filter_attr_list, text) if "{" in text else text
    return neutralise_schemes(text)


_FENCE_OPEN = re.compile(r"^([ \t]*)(`{3,}|~{3,})(.*)$")
_SPANS = re.compile(r"(?<!\\)(?P<tick>`+)(?:.+?)(?<!`)(?P=tick)(?!`)", re.DOTALL)
#: Code spans, and math as pymdownx.arithmatex finds it: $$...$$, \[...\], \begin{env}...\end{env}, \(...\), $...$.
_SPANS_AND_MATH = re.compile(
    r"(?<!\\)(?P<tick>`+)(?:.+?)(?<!`)(?P=tick)(?!`)"
    r"|\$\$.+?\$\$|\\\[.+?\\\]|\\begin\{(?P<env>[A-Za-z*]+)\}.+?\\end\{(?P=env)\}|\\\(.+?\\\)"
    r"|(?<![\\$])\$(?!\s)(?:\\.|[^\\$])+?(?<!\s)\$",
    re.DOTALL)


#: Elements that act even without attributes (or swallow what follows): never inert.
_ACTIVE = frozenset("""script style iframe frame frameset object embed base meta link form template svg math
noscript xmp plaintext textarea title noembed noframes iframe portal""".split())


def _inert(text: str, kbgen_scripts: bool) -> bool:
    """Whether code or math could be published as written even if a renderer took it for Markdown or HTML.

    Its tags must be what the rewriter would write anyway, or unknown tags
    without attributes (``<id>`` as a placeholder in a code sample), and it
    must hold no executing URL.
    """
    if neutralise_schemes(text) != text:
        return False
    i = text.find("<")
    while i >= 0:
        parsed = parse_tag(text, i)
        if parsed is not None:
            closing, name, attrs, end = parsed
            canonical, _ = canonical_tag(text, i)
            if canonical != text[i:end] and (name in _ACTIVE or (attrs and not closing)):
                if not (kbgen_scripts and OWN_SCRIPT.match(text, i)):
                    return False
        i = text.find("<", i + 1)
    return True


def _tags_and_urls(text: str, kbgen_scripts: bool) -> str:
    """What code and math keep of the rules: no attr_list applies inside them."""
    text = rewrite_tags(text, kbgen_scripts) if "<" in text else text
    return neutralise_schemes(text)


def sanitize_markdown(text: str, kbgen_scripts: bool = False, math: bool = False) -> str:
    """``text`` with every tag, attribute list and URL inside the allowlist (see the module docs).

    ``kbgen_scripts`` keeps kbgen's own script tags (generated pages only);
    ``math`` says pymdownx.arithmatex renders ``$...$`` and its kin (its
    output is escaped), so math is left as written unless it holds a whole tag.
    """
    lines = text.split("\n")
    out: list[str] = []
    plain: list[str] = []
    i = 0
    while i < len(lines):
        opened = _FENCE_OPEN.match(lines[i])
        close = None
        if opened:
            fence = opened.group(2)
            for k in range(i + 1, len(lines)):
                stripped = lines[k].strip()
                if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                    close = k
                    break
        if close is None:
            plain.append(lines[i])
            i += 1
            continue
        if plain:
            out.append(_sanitize_prose("\n".join(plain), kbgen_scripts, math))
            plain = []
        out.append(_fenced_block(lines[i:close + 1], opened, kbgen_scripts))
        i = close + 1
    if plain:
        out.append(_sanitize_prose("\n".join(plain), kbgen_scripts, math))
    return "\n".join(out)


def _fenced_block(block: list[str], opened: re.Match[str], kbgen_scripts: bool) -> str:
    head = _sanitize_text(block[0], kbgen_scripts)  # superfences reads attributes there
    body = "\n".join(block[1:-1])
    if _inert(body, kbgen_scripts):
        return "\n".join([head, *block[1:]])
    escaped = neutralise_schemes(html.escape(body, quote=False).replace("\n", "&#10;"))
    return opened.group(1) + "<pre><code>" + escaped + "</code></pre>"


def _sanitize_prose(text: str, kbgen_scripts: bool, math: bool) -> str:
    if "`" not in text and not (math and ("$" in text or "\\" in text)):
        return _sanitize_text(text, kbgen_scripts)
    spans = _SPANS_AND_MATH if math else _SPANS
    out: list[str] = []
    pos = 0
    for m in spans.finditer(text):
        if re.search(r"\n[ \t]*\n", m.group(0)) and not m.group(0).startswith(("$$", "\\[", "\\begin")):
            continue  # a code span or inline math never crosses a paragraph
        out.append(_sanitize_text(text[pos:m.start()], kbgen_scripts))
        segment = m.group(0)
        is_code = segment.startswith("`")
        if _inert(segment, kbgen_scripts):
            out.append(segment)
        elif is_code:
            tick = len(segment) - len(segment.lstrip("`"))
            out.append("<code>" + neutralise_schemes(html.escape(segment[tick:-tick].strip(), quote=False)) + "</code>")
        else:
            out.append(_math_segment(segment, text, m.end(), kbgen_scripts))
        pos = m.end()
    out.append(_sanitize_text(text[pos:], kbgen_scripts))
    return "".join(out)


def _math_segment(segment: str, text: str, end: int, kbgen_scripts: bool) -> str:
    """Math with whole tags rewritten; a lone ``<`` (``$x<y$``) stays unless a ``>`` after the math could close it."""
    rest = text[end:]
    closes = ">" in rest[: rest.find("<")] if "<" in rest else ">" in rest
    if closes:
        return _tags_and_urls(segment, kbgen_scripts)
    out, i = [], 0
    while True:
        j = segment.find("<", i)
        if j < 0:
            out.append(segment[i:])
            break
        out.append(segment[i:j])
        canonical, stop = canonical_tag(segment, j)
        if canonical is None and ">" not in segment[j:]:
            out.append("<")
            i = j + 1
        else:
            out.append("&lt;" if canonical is None else canonical)
            i = stop
    return neutralise_schemes("".join(out))


def sanitize_page(text: str, generated: bool = False, math: bool = False) -> str:
    """A whole Markdown page made safe: its metadata as MkDocs reads it, then its body.

    YAML front matter that MkDocs reads keeps its place with
    :func:`kbgen.site.escaping.escape_meta` applied; MultiMarkdown metadata
    becomes YAML front matter the same way. A ``generated`` page (kbgen's
    own) keeps kbgen's script tags, and its metadata, which its templates
    escaped already, only loses what no page may set. ``math``: see
    :func:`sanitize_markdown`.

    >>> print(sanitize_page('---\\ntitle: "<script>x</script>"\\ntemplate: redirect.html\\n---\\nHi <b onclick=1>there</b>\\n'))
    ---
    title: '&lt;script&gt;x&lt;/script&gt;'
    ---
    Hi <b>there</b>
    <BLANKLINE>
    """
    meta: dict | None = None
    front = ""
    found = mkdocs_front_matter(text)
    if found is not None:
        front, body = found
        value = parse_yaml(front, "page").value
        if isinstance(value, dict):
            meta = value
        else:
            body = text  # MkDocs renders a front matter it cannot read as part of the page
    else:
        mmd, body = split_multimarkdown(text)
        meta = {key: value for key, (value, _) in mmd.items()} or None
        if meta is None:
            body = text
    clean = sanitize_markdown(body, kbgen_scripts=generated, math=math)
    if meta is None:
        return clean
    if generated:
        safe = {k: v for k, v in escape_meta(meta).items()}
        safe.update({k: v for k, v in meta.items() if k in safe and isinstance(v, str)})  # escaped by the templates
    else:
        safe = escape_meta(meta)
    if safe == meta and front:
        return f"---\n{front}---\n{clean}"  # unchanged: keep it as written
    dumped = yaml.safe_dump(safe, sort_keys=False, allow_unicode=True, width=1 << 16)
    return f"---\n{dumped}---\n{clean}"
