"""The Jinja2 environment of the page templates, and the filters that escape every value.

The templates are files shipped in ``kbgen/site/templates``; they are read
by :mod:`kbgen.io` and handed in as text, so rendering touches no file.
"""

from __future__ import annotations

import json
from typing import Mapping

import jinja2
from markupsafe import Markup

from kbgen.site.escaping import escape_code_block, escape_html, escape_markdown, escape_url


def build_environment(templates: Mapping[str, str]) -> jinja2.Environment:
    """The environment over ``templates`` (file name -> text).

    Autoescaping is on, so a value printed without a filter is HTML-escaped;
    ``md`` escapes a value for Markdown text, ``url`` keeps only http(s)
    URLs, ``code`` makes text safe inside a fenced block.

    >>> env = build_environment({"t.html.j2": "<h1>{{ title | md }}</h1>"})
    >>> env.get_template("t.html.j2").render(title="*x*")
    '<h1>&#42;x&#42;</h1>'
    """
    env = jinja2.Environment(
        loader=jinja2.DictLoader(dict(templates)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    env.filters["attr"] = escape_html
    env.filters["url"] = escape_url
    env.filters["code"] = lambda text: Markup(escape_code_block(text))
    # Text of a <pre> (a Mermaid diagram): & < > escaped, quotes kept, as pymdownx's fences write it.
    env.filters["pre"] = lambda text: Markup(str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    env.filters["minutes"] = format_minutes
    # Material prints a page's front-matter title into <title> and the header
    # without escaping: give it HTML-escaped text, as a JSON (= YAML) string.
    env.filters["meta_title"] = lambda text: Markup(json.dumps(str(escape_html(text)), ensure_ascii=False))
    return env


def format_minutes(minutes: int | None) -> str:
    """A reading time for people.

    >>> format_minutes(45), format_minutes(150), format_minutes(None)
    ('45 min', '2 h 30 min', '')
    """
    if not minutes:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"
