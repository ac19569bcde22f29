"""The baselines kbgen is measured against, each run as a whole process by run.py.

    python benchmarks/baselines.py yaml ROOT   # (a) raw parse of papers.yaml and every front matter
    python benchmarks/baselines.py bib FILE    # (d) bibtexparser's parse, no LaTeX decoding

``yaml`` reads what ``kbgen validate`` reads as YAML (papers.yaml,
content/topics.yaml, content/paths/*.yaml and the front matter of every
content/**/*.md) with ``yaml.load(..., Loader=yaml.CSafeLoader)`` and
nothing else: no locations, no validation. ``bib`` is bibtexparser 2's
``parse_file`` with its default middleware stack, which does not decode
LaTeX.
"""

from __future__ import annotations

import os
import sys


def parse_yaml_inputs(root: str) -> int:
    """Parse every YAML input under ``root`` with libyaml; return how many documents."""
    import yaml

    count = 0
    papers = os.path.join(root, "papers.yaml")
    if os.path.exists(papers):
        with open(papers, encoding="utf-8") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)
        count += 1
    for dirpath, dirnames, filenames in os.walk(os.path.join(root, "content")):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if name.endswith((".yaml", ".yml")):
                with open(path, encoding="utf-8") as handle:
                    yaml.load(handle.read(), Loader=yaml.CSafeLoader)
                count += 1
            elif name.endswith(".md"):
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
                if text.startswith("---\n"):
                    end = text.find("\n---", 3)
                    if end > 0:
                        yaml.load(text[4:end + 1], Loader=yaml.CSafeLoader)
                        count += 1
    return count


def parse_bib(path: str) -> int:
    """Parse a .bib file with bibtexparser's defaults; return how many entries."""
    import bibtexparser

    return len(bibtexparser.parse_file(path).entries)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("yaml", "bib"):
        print(__doc__, file=sys.stderr)
        return 2
    count = parse_yaml_inputs(argv[1]) if argv[0] == "yaml" else parse_bib(argv[1])
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
