"""SVG images in content/: an allowlist, because an SVG opened on the site's origin is a document that runs script.

An SVG passes when every element is a drawing element of the SVG namespace
(:data:`ELEMENTS`) or belongs to an editor's inert namespace (Inkscape's,
RDF metadata), and no attribute can act: no ``on*`` handler, no link
(``href``, ``xlink:href``) except to an anchor of the same file (and, on
``<a>``, to an http(s) page), no CSS that loads anything (``url(`` other than
``url(#...)``, ``@import``). DTDs, entities, processing instructions
(``<?xml-stylesheet?>``) and ``<script>``, ``<foreignObject>``, ``<set>``,
``<animate>`` (which can rewrite an ``href``) are refused. Parsing uses
defusedxml, so an entity bomb is refused too, and every refusal says on
which line.

>>> [d.message.split(";")[0] for d in check_svg("content/a.svg",
...     b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1" onload="alert(1)"/></svg>')]
["line 1: the attribute 'onload' of <circle> can run script or load something"]
>>> check_svg("content/b.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>')
[]
"""

from __future__ import annotations

import re
import xml.sax
from xml.sax.handler import ContentHandler, feature_namespaces

from kbgen.core.diagnostics import Diagnostic, error

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: Namespaces of editors' bookkeeping, which browsers never render or run.
INERT_NAMESPACES = frozenset({
    "http://www.inkscape.org/namespaces/inkscape", "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://creativecommons.org/ns#", "http://purl.org/dc/elements/1.1/",
    "http://purl.org/dc/terms/", "http://ns.adobe.com/AdobeIllustrator/10.0/", "http://ns.adobe.com/Graphs/1.0/",
    "http://ns.adobe.com/SaveForWeb/1.0/", "http://ns.adobe.com/Extensibility/1.0/", "http://www.bohemiancoding.com/sketch/ns",
})
ELEMENTS = frozenset("""svg g defs symbol use title desc metadata path rect circle ellipse line polyline polygon
text tspan textPath linearGradient radialGradient stop clipPath mask pattern marker filter switch view a style image
feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting feDisplacementMap
feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feImage feMerge feMergeNode
feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile feTurbulence""".split())
#: Largest SVG checked (a diagram is tens of KB); larger ones are refused.
MAX_SVG_BYTES = 2 * 1024 * 1024

_LOADING_CSS = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)|@import|expression\s*\(|javascript:|behavior\s*:|-moz-binding",
                          re.IGNORECASE)
_RASTER_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$")
_LINK_ATTRS = frozenset({"href", "src"})


class _Refused(Exception):
    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line, self.reason = line, reason


class _Checker(ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str | None, str]] = []
        self.locator = None
        self.style: list[str] = []  # the text of the open <style> (SAX may split it anywhere)

    def setDocumentLocator(self, locator) -> None:  # noqa: N802 - SAX's name
        self.locator = locator

    def line(self) -> int:
        return self.locator.getLineNumber() if self.locator is not None else 0

    def startElementNS(self, name, qname, attrs) -> None:  # noqa: N802
        ns, local = name
        inert = ns in INERT_NAMESPACES or any(n in INERT_NAMESPACES or (n, tag) == (SVG_NS, "metadata")
                                              for n, tag in self.stack)
        if not inert and (ns != SVG_NS or local not in ELEMENTS):
            where = "" if ns in (SVG_NS, None) else f" in the namespace {ns}"
            raise _Refused(self.line(), f"the element <{local}>{where} is not a drawing element kbgen admits")
        for (attr_ns, attr), value in attrs.items():
            self.check_attribute(local, attr_ns, attr, value)
        self.stack.append((ns, local))

    def check_attribute(self, element: str, ns: str | None, attr: str, value: str) -> None:
        lowered = attr.lower()
        bad = lowered.startswith("on")
        if lowered in _LINK_ATTRS or (ns == XLINK_NS and lowered == "href"):
            target = value.strip()
            ok = target.startswith("#")
            ok = ok or (element == "a" and re.match(r"^https?://", target, re.IGNORECASE) is not None)
            ok = ok or (element == "image" and _RASTER_DATA.match(target) is not None)
            bad = bad or not ok
        if lowered == "style" or (lowered not in ("d", "points") and "url(" in value.lower()):
            bad = bad or _LOADING_CSS.search(value) is not None
        if bad:
            raise _Refused(self.line(), f"the attribute '{attr}' of <{element}> can run script or load something")

    def endElementNS(self, name, qname) -> None:  # noqa: N802
        if self.stack.pop() == (SVG_NS, "style"):
            text, self.style = "".join(self.style), []
            if _LOADING_CSS.search(text):
                raise _Refused(self.line(), "a <style> that loads something (url(), @import)")

    def characters(self, content: str) -> None:
        if self.stack and self.stack[-1] == (SVG_NS, "style"):
            self.style.append(content)

    def processingInstruction(self, target, data) -> None:  # noqa: N802
        raise _Refused(self.line(), f"a processing instruction <?{target} ...?>")


def check_svg(rel: str, data: bytes) -> list[Diagnostic]:
    """KB043 when the SVG ``data`` (from ``rel``) is not one kbgen admits (see the module docs)."""
    from io import BytesIO

    from defusedxml.common import DefusedXmlException
    from defusedxml.sax import make_parser

    def refuse(line: int, reason: str) -> list[Diagnostic]:
        return [error(rel, max(line, 1), 1, "KB043",
                      f"line {max(line, 1)}: {reason}; kbgen publishes SVG only without script, handlers, external "
                      "links or styles that load files (export it again as plain shapes, or use a PNG)")]

    if len(data) > MAX_SVG_BYTES:
        return refuse(1, f"an SVG of {len(data):,} bytes (at most {MAX_SVG_BYTES:,})")
    if b"<!DOCTYPE" in data or b"<!doctype" in data:
        return refuse(data[: data.find(b"<!")].count(b"\n") + 1, "a DOCTYPE (entities can hide anything)")
    checker = _Checker()
    parser = make_parser()
    parser.forbid_dtd, parser.forbid_entities, parser.forbid_external = True, True, True
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(checker)
    try:
        parser.parse(BytesIO(data))
    except _Refused as refused:
        return refuse(refused.line, refused.reason)
    except DefusedXmlException as exc:
        return refuse(checker.line(), f"unsafe XML ({type(exc).__name__})")
    except xml.sax.SAXParseException as exc:
        return refuse(exc.getLineNumber(), f"not well-formed XML ({exc.getMessage()})")
    except (xml.sax.SAXException, ValueError, RecursionError) as exc:
        return refuse(checker.line(), f"not readable as SVG ({type(exc).__name__})")
    return []

