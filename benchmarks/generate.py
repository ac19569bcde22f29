"""Generate a synthetic knowledge base of N papers for the benchmarks.

    python benchmarks/generate.py --papers 10000 --seed 1 --out /tmp/kb10k

The result looks like a real reading group's knowledge base grown large:

- ``papers.yaml`` with N papers: 6-14 word titles, 3-8 authors (some with
  accented names), a 150-word abstract, venue, arXiv id / DOI / links on a
  realistic share of them, 1-3 topics, on average 5 ``cites`` and 1-2
  ``prerequisites``. A paper only cites or requires papers with a lower
  index (which are never newer), so the ordering graph is acyclic;
- ``content/topics.yaml``: a two-level topic taxonomy;
- ``content/summaries/``: a 300-word summary for 30% of the papers;
- a few concepts, stories, resources and curated reading paths (in an order
  that respects the prerequisites);
- ``refs.bib`` next to ``papers.yaml`` (not under ``content/``, so it is an
  import candidate, not part of the knowledge base) with N/2 entries written
  in the styles of the arXiv export, DBLP, Google Scholar, Zotero/Better
  BibTeX and the ACL Anthology, with LaTeX accents, ``@string`` and month
  macros; about 5% of them duplicate a paper of the knowledge base and a few
  duplicate each other, as real exports do;
- ``mkdocs.yml`` using the kbgen plugin.

Output is a pure function of ``--papers``, ``--seed`` and ``--bib-entries``:
the same arguments give byte-identical files.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import yaml

try:
    from yaml import CSafeDumper as _Dumper
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

FIRST_NAMES = [
    "Ada", "Alan", "Alex", "Amir", "Ana", "Andrea", "Anna", "Ben", "Carla", "Chen", "Chloé", "Daniel",
    "David", "Diego", "Elena", "Emma", "Fatima", "Felix", "François", "Hana", "Hiro", "Ian", "Ines",
    "Ivan", "Jakob", "James", "Jiří", "João", "Julia", "Kai", "Kenji", "Lara", "Lea", "Li", "Lucas",
    "Maria", "Mehmet", "Mei", "Mohammed", "Nadia", "Niklas", "Noah", "Olga", "Omar", "Paulo",
    "Priya", "Quoc", "Rafael", "Ravi", "Rosa", "Sam", "Sara", "Søren", "Tomás", "Uma", "Victor",
    "Wei", "Xin", "Yann", "Yuki", "Zoë", "Łukasz", "Aurélien", "Björn",
]
# (display name, ASCII slug form, LaTeX form for BibTeX)
SURNAMES = [
    ("Müller", "muller", r"M{\"u}ller"), ("García", "garcia", r"Garc{\'\i}a"),
    ("Dvořák", "dvorak", r"Dvo{\v{r}}{\'a}k"), ("Ångström", "angstrom", r"{\AA}ngstr{\"o}m"),
    ("Çelik", "celik", r"{\c{C}}elik"), ("Núñez", "nunez", r"N{\'u}{\~n}ez"),
    ("Weiß", "weiss", r"Wei{\ss}"), ("Kowalczyk", "kowalczyk", "Kowalczyk"),
    ("Smith", "smith", "Smith"), ("Zhang", "zhang", "Zhang"), ("Wang", "wang", "Wang"),
    ("Nguyen", "nguyen", "Nguyen"), ("Tanaka", "tanaka", "Tanaka"), ("Kim", "kim", "Kim"),
    ("Ivanov", "ivanov", "Ivanov"), ("Rossi", "rossi", "Rossi"), ("Dubois", "dubois", "Dubois"),
    ("Johansson", "johansson", "Johansson"), ("Okafor", "okafor", "Okafor"), ("Patel", "patel", "Patel"),
    ("Cohen", "cohen", "Cohen"), ("Silva", "silva", "Silva"), ("Hernández", "hernandez", r"Hern{\'a}ndez"),
    ("Schön", "schon", r"Sch{\"o}n"), ("Lefèvre", "lefevre", r"Lef{\`e}vre"), ("Brown", "brown", "Brown"),
    ("Chen", "chen", "Chen"), ("Li", "li", "Li"), ("Singh", "singh", "Singh"), ("Martin", "martin", "Martin"),
    ("Novák", "novak", r"Nov{\'a}k"), ("Larsen", "larsen", "Larsen"), ("Yılmaz", "yilmaz", r"Y{\i}lmaz"),
    ("O'Brien", "obrien", "O'Brien"), ("Rahman", "rahman", "Rahman"), ("Sato", "sato", "Sato"),
]
FIRST_LATEX = {"Chloé": r"Chlo{\'e}", "François": r"Fran{\c{c}}ois", "Jiří": r"Ji{\v{r}}{\'\i}",
               "João": r"Jo{\~a}o", "Søren": r"S{\o}ren", "Tomás": r"Tom{\'a}s", "Zoë": r"Zo{\"e}",
               "Łukasz": r"{\L}ukasz", "Aurélien": r"Aur{\'e}lien", "Björn": r"Bj{\"o}rn"}
ADJECTIVES = [
    "Deep", "Efficient", "Scalable", "Robust", "Sparse", "Contrastive", "Hierarchical", "Adaptive",
    "Stochastic", "Generative", "Self-Supervised", "Unsupervised", "Probabilistic", "Recurrent",
    "Convolutional", "Differentiable", "Invariant", "Multimodal", "Causal", "Bayesian", "Neural",
    "Residual", "Attentive", "Federated", "Continual", "Equivariant", "Implicit", "Latent",
]
NOUNS = [
    "Transformers", "Networks", "Representations", "Embeddings", "Attention", "Autoencoders",
    "Policies", "Graphs", "Kernels", "Diffusion Models", "Language Models", "Vision Models",
    "Optimizers", "Priors", "Ensembles", "Retrieval", "Agents", "Features", "Tokenizers", "Flows",
    "Memories", "Objectives", "Classifiers", "Detectors", "Segmenters", "Estimators",
]
TASKS = [
    "Image Classification", "Machine Translation", "Speech Recognition", "Question Answering",
    "Object Detection", "Reinforcement Learning", "Few-Shot Learning", "Domain Adaptation",
    "Semantic Segmentation", "Text Generation", "Recommendation", "Protein Folding",
    "Time Series Forecasting", "Anomaly Detection", "Metric Learning", "Program Synthesis",
]
WORDS = (
    "we propose a method model that learns from data training large scale results show improves "
    "performance benchmark state of the art approach network layer attention loss function gradient "
    "optimization representation features tasks experiments demonstrate our novel framework "
    "efficient simple effective generalization robust across datasets baseline significantly "
    "outperforms existing methods while requiring fewer parameters compute memory inference "
    "accuracy evaluation analysis theoretical empirical study problem setting objective "
    "architecture encoder decoder pretraining fine-tuning transfer supervision labels noise "
    "distribution sampling estimate variance bias regularization sparse dense embedding sequence "
    "image text graph node edge reward policy agent environment signal latent space prior "
    "posterior inference variational adversarial contrastive self-supervised token vocabulary"
).split()
VENUES = ["NeurIPS", "ICML", "ICLR", "CVPR", "ICCV", "ECCV", "ACL", "EMNLP", "NAACL", "AAAI",
          "IJCAI", "KDD", "JMLR", "TPAMI", "Nature", "TACL", "UAI", "AISTATS", "COLT", "WWW"]
TOPIC_ROOTS = ["deep-learning", "computer-vision", "nlp", "reinforcement-learning", "optimization",
               "probabilistic-models", "graph-learning", "speech", "theory", "systems",
               "robotics", "fairness"]
TOPIC_CHILDREN = ["foundations", "architectures", "training", "evaluation", "applications",
                  "efficiency", "generative", "representation", "robustness", "datasets"]
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
FIRST_YEAR, LAST_YEAR = 1990, 2025
SUMMARY_SHARE = 0.30


class _Dump(_Dumper):
    """Block style for mappings, flow style for short lists of ids (as people write them)."""


def _dump(data) -> str:
    return yaml.dump(data, Dumper=_Dump, sort_keys=False, allow_unicode=True,
                     default_flow_style=None, width=100)


def _words(rng: random.Random, n: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(n))
    # Sentences of about 15 words, so the text reads like prose to the Markdown engine.
    out, count = [], 0
    for word in text.split():
        count += 1
        out.append(word)
        if count % 15 == 0:
            out[-1] += "."
    sentences = " ".join(out).rstrip(".") + "."
    return ". ".join(s.strip().capitalize() for s in sentences.split(".") if s.strip()) + "."


def _title(rng: random.Random) -> str:
    form = rng.randrange(4)
    if form == 0:
        return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} for {rng.choice(TASKS)}"
    if form == 1:
        return (f"On the {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} of "
                f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}")
    if form == 2:
        return (f"Learning {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} with "
                f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} for {rng.choice(TASKS)}")
    return f"{rng.choice(NOUNS)} Are {rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}: A Study of {rng.choice(TASKS)}"


def _person(rng: random.Random) -> tuple[str, str, str, str]:
    """(display name, surname slug, LaTeX "Last, First", display surname)."""
    first = rng.choice(FIRST_NAMES)
    last, slug, latex = rng.choice(SURNAMES)
    return f"{first} {last}", slug, f"{latex}, {FIRST_LATEX.get(first, first)}", last


def _pick_older(rng: random.Random, i: int, k: int) -> list[int]:
    """Up to ``k`` distinct indices below ``i``: mostly recent work, some classics."""
    if i == 0:
        return []
    chosen: set[int] = set()
    for _ in range(k * 3):
        if len(chosen) >= min(k, i):
            break
        if rng.random() < 0.7:
            j = i - 1 - int(rng.expovariate(1 / max(1.0, min(i, 200) / 3)))
            j = max(0, j)
        else:
            j = rng.randrange(i)
        chosen.add(j)
    return sorted(chosen)


def build_topics() -> list[dict]:
    topics = []
    for root in TOPIC_ROOTS:
        topics.append({"id": root, "name": root.replace("-", " ").capitalize(),
                       "description": f"Papers about {root.replace('-', ' ')}."})
        for child in TOPIC_CHILDREN:
            topics.append({"id": f"{root}-{child}", "name": f"{child.capitalize()} ({root.replace('-', ' ')})",
                           "parent": root})
    return topics


def build_papers(rng: random.Random, n: int, topic_ids: list[str]) -> list[dict]:
    papers = []
    titles: set[str] = set()
    for i in range(n):
        year = FIRST_YEAR + (i * (LAST_YEAR - FIRST_YEAR + 1)) // n
        people = [_person(rng) for _ in range(rng.randint(3, 8))]
        title = _title(rng)
        while title in titles:  # the same title and year would be a duplicate-paper warning
            title = _title(rng)
        titles.add(title)
        pid = f"{people[0][1]}-{year}-{i}"
        paper: dict = {"id": pid, "title": title, "authors": [p[0] for p in people], "year": year,
                       "venue": f"{rng.choice(VENUES)} {year}"}
        if year >= 2007 and rng.random() < 0.7:
            paper["arxiv"] = f"{year % 100:02d}{rng.randint(1, 12):02d}.{i:05d}"
        if rng.random() < 0.5:
            paper["doi"] = f"10.5555/kbgen.{year}.{i}"
        if rng.random() < 0.4:
            paper["url"] = f"https://example.org/papers/{pid}"
        if rng.random() < 0.3:
            paper["code"] = f"https://github.com/example/{pid}"
        paper["abstract"] = _words(rng, 150)
        paper["topics"] = sorted(rng.sample(topic_ids, rng.randint(1, 3)))
        cites = _pick_older(rng, i, max(0, int(rng.gauss(5, 2))))
        if cites:
            paper["cites"] = [papers[j]["id"] for j in cites]
        prereqs = _pick_older(rng, i, rng.randint(1, 2))
        if prereqs:
            paper["prerequisites"] = [papers[j]["id"] for j in prereqs]
        paper["difficulty"] = rng.choice(["intro", "intermediate", "advanced"])
        paper["reading_time"] = rng.choice([20, 30, 40, 45, 60, 90])
        papers.append(paper)
    return papers


def _front_matter(meta: dict, body: str) -> str:
    return f"---\n{_dump(meta)}---\n\n{body}"


def build_summary(rng: random.Random, paper: dict) -> str:
    meta = {"title": f"Summary: {paper['title']}", "paper": paper["id"], "topics": paper["topics"][:2],
            "difficulty": paper["difficulty"], "reading_time": rng.randint(5, 20),
            "contributors": [rng.choice(FIRST_NAMES).lower() for _ in range(rng.randint(1, 2))],
            "date": f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
    sections = ["The problem", "The key idea", "How it works", "Results", "Why it matters"]
    parts = [f"# {paper['title']}\n"]
    per = 300 // len(sections)
    for heading in sections:
        parts.append(f"## {heading}\n\n{_words(rng, per)}\n")
    parts.append("## Questions for the group\n\n- " + _words(rng, 12) + "\n- " + _words(rng, 10) + "\n")
    return _front_matter(meta, "\n".join(parts))


def build_pages(rng: random.Random, n: int, papers: list[dict], topic_ids: list[str]) -> dict[str, str]:
    """Concepts, stories and resources: a few per hundred papers, as a group writes them."""
    pages: dict[str, str] = {}
    for i in range(max(2, n // 100)):
        meta = {"title": f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} explained",
                "topics": rng.sample(topic_ids, 2), "difficulty": "intro", "reading_time": 10,
                "contributors": ["kbgen benchmark"], "date": "2025-03-01"}
        pages[f"content/concepts/concept-{i}.md"] = _front_matter(meta, f"# {meta['title']}\n\n{_words(rng, 200)}\n")
    for i in range(max(1, n // 300)):
        paper = papers[rng.randrange(len(papers))]
        meta = {"title": f"The story behind {paper['title']}", "paper": paper["id"],
                "topics": paper["topics"][:1], "reading_time": 6, "date": "2025-04-14"}
        pages[f"content/stories/story-{i}.md"] = _front_matter(meta, f"# {meta['title']}\n\n{_words(rng, 250)}\n")
    kinds = ["cheat-sheet", "tool", "course", "book", "video", "article"]
    for i in range(max(1, n // 300)):
        meta = {"title": f"{rng.choice(NOUNS)} {rng.choice(kinds)}", "url": f"https://example.org/resources/{i}",
                "kind": rng.choice(kinds), "topics": rng.sample(topic_ids, 1), "reading_time": 30}
        pages[f"content/resources/resource-{i}.md"] = _front_matter(meta, f"# {meta['title']}\n\n{_words(rng, 80)}\n")
    return pages


def build_paths(rng: random.Random, n: int, papers: list[dict]) -> dict[str, str]:
    """Curated paths: a target and up to 9 of its prerequisite ancestors, oldest first."""
    index = {p["id"]: i for i, p in enumerate(papers)}
    paths: dict[str, str] = {}
    for k in range(max(2, n // 500)):
        target = rng.randrange(n // 2, n)
        seen, stack = set(), [target]
        while stack and len(seen) < 10:
            j = stack.pop()
            if j in seen:
                continue
            seen.add(j)
            stack.extend(index[p] for p in papers[j].get("prerequisites", []))
        steps = [papers[j]["id"] for j in sorted(seen)]
        if len(steps) < 2:
            continue
        # What the path leaves out, its readers are taken to know (a curated path is self-contained).
        assumes = sorted({p for j in seen for p in papers[j].get("prerequisites", [])} - set(steps))
        doc = {"title": f"Reading path {k}: towards {papers[target]['title']}",
               "description": _words(rng, 25), "steps": steps, **({"assumes": assumes} if assumes else {})}
        paths[f"content/paths/path-{k}.yaml"] = _dump(doc)
    return paths


# -- BibTeX in the styles real exporters write --------------------------------------

def _latex_title(title: str) -> str:
    # Exporters protect capitals and acronyms with braces; some titles carry math.
    words = title.split()
    return " ".join("{" + w + "}" if w[:1].isupper() and len(w) > 3 and w.isalpha() and w.upper() != w and
                    sum(map(ord, w)) % 5 == 0 else w for w in words)


def _bib_entry(rng: random.Random, k: int, style: str, people: list, title: str, year: int,
               arxiv: str | None, doi: str | None, abstract: str) -> str:
    authors = " and ".join(p[2] for p in people)
    slug = people[0][1]
    venue = rng.choice(VENUES)
    month = rng.choice(MONTHS)
    if style == "arxiv":
        key = f"{slug}{year}{title.split()[0].lower()}{k}"
        arxiv = arxiv or f"{year % 100:02d}{rng.randint(1, 12):02d}.{50000 + k % 50000:05d}"
        return (f"@misc{{{key},\n      title={{{title}}}, \n      author={{{authors}}},\n      year={{{year}}},\n"
                f"      eprint={{{arxiv}}},\n      archivePrefix={{arXiv}},\n      primaryClass={{cs.LG}},\n"
                f"      url={{https://arxiv.org/abs/{arxiv}}}, \n}}\n")
    if style == "dblp":
        key = f"DBLP:conf/{venue.lower()}/{people[0][1].capitalize()}{k}{year % 100:02d}"
        extra = f"  doi          = {{{doi}}},\n" if doi else ""
        wrapped = authors.replace(" and ", " and" + chr(10) + " " * 18)
        return (f"@inproceedings{{{key},\n  author       = {{{wrapped}}},\n"
                f"  title        = {{{_latex_title(title)}}},\n  booktitle    = {{Proceedings of {venue} {year}}},\n"
                f"  pages        = {{{k % 900 + 1}--{k % 900 + 12}}},\n  publisher    = {{{{PMLR}}}},\n"
                f"  year         = {{{year}}},\n{extra}"
                f"  url          = {{https://proceedings.example.org/{year}/{k}.html}},\n"
                f"  timestamp    = {{Mon, 15 Jan 2024 16:08:{k % 60:02d} +0100}},\n"
                f"  biburl       = {{https://dblp.org/rec/conf/{venue.lower()}/{k}.bib}},\n"
                f"  bibsource    = {{dblp computer science bibliography, https://dblp.org}}\n}}\n")
    if style == "scholar":
        key = f"{slug}{year}{title.split()[0].lower().strip(':')}"
        journal = f"arXiv preprint arXiv:{arxiv}" if arxiv else f"Advances in {venue}"
        return (f"@article{{{key}{k},\n  title={{{title}}},\n  author={{{authors}}},\n  journal={{{journal}}},\n"
                f"  volume={{{k % 40 + 1}}},\n  pages={{{k % 500}--{k % 500 + 10}}},\n  year={{{year}}}\n}}\n")
    if style == "zotero":
        key = f"{slug}{title.split()[0]}{title.split()[-1]}{year}{k}".replace("-", "")
        extra = f"\tdoi = {{{doi}}},\n" if doi else ""
        extra += f"\turl = {{http://arxiv.org/abs/{arxiv}}},\n\turldate = {{2024-05-0{k % 9 + 1}}},\n" if arxiv else ""
        return (f"@inproceedings{{{key},\n\ttitle = {{{_latex_title(title)}}},\n\tbooktitle = {{Proceedings of {venue}}},\n"
                f"\tauthor = {{{authors}}},\n\tyear = {{{year}}},\n\tmonth = {month},\n{extra}"
                f"\tabstract = {{{abstract}}},\n\tkeywords = {{Computer Science - Machine Learning}},\n"
                f"\tfile = {{arXiv Fulltext PDF:/home/user/Zotero/storage/{k:08d}/{slug}.pdf:application/pdf}},\n}}\n")
    # ACL Anthology: double-quoted values, address and publisher.
    key = f"{slug}-etal-{year}-{title.split()[0].lower().strip(':')}-{k}"
    extra = f'    doi = "{doi}",\n' if doi else ""
    return (f'@inproceedings{{{key},\n    title = "{_latex_title(title)}",\n'
            f'    author = "{authors.replace(" and ", " and" + chr(10) + "      ")}",\n'
            f'    booktitle = "Proceedings of the {year} Conference of {venue}",\n    month = {month},\n'
            f'    year = "{year}",\n    address = "Online",\n    publisher = acl,\n'
            f'    url = "https://aclanthology.org/{year}.{venue.lower()}-main.{k}",\n{extra}'
            f'    pages = "{k % 900 + 1}--{k % 900 + 11}",\n}}\n')


def build_bib(rng: random.Random, entries: int, papers: list[dict]) -> str:
    styles = ["arxiv", "dblp", "scholar", "zotero", "acl"]
    out = ["% Synthetic BibTeX export for the kbgen benchmarks: mixed exporter styles.\n",
           '@string{acl = "Association for Computational Linguistics"}\n',
           "@comment{jabref-meta: databaseType:bibtex;}\n"]
    previous: list[str] = []
    for k in range(entries):
        roll = rng.random()
        if roll < 0.05 and papers:
            # A paper the knowledge base already holds (exported again from another tool).
            paper = papers[rng.randrange(len(papers))]
            people = [_person(rng) for _ in range(len(paper["authors"]))]
            entry = _bib_entry(rng, k, "arxiv" if paper.get("arxiv") else "dblp", people, paper["title"],
                               paper["year"], paper.get("arxiv"), paper.get("doi"), paper["abstract"])
        elif roll < 0.06 and previous:
            # The same paper twice in one file, under another key.
            entry = previous[rng.randrange(len(previous))].replace("{", f"{{dup{k}-", 1)
        else:
            people = [_person(rng) for _ in range(rng.randint(3, 8))]
            year = rng.randint(FIRST_YEAR, LAST_YEAR)
            arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{60000 + k:05d}" if year >= 2007 and rng.random() < 0.6 else None
            doi = f"10.5555/import.{year}.{k}" if rng.random() < 0.5 else None
            entry = _bib_entry(rng, k, styles[k % len(styles)], people, _title(rng), year, arxiv, doi,
                               _words(rng, 60))
            previous.append(entry)
        out.append(entry)
    return "\n".join(out)


MKDOCS_YML = """\
# The same site configuration as the example knowledge base's, so the
# benchmark builds what a real group would publish.
site_name: kbgen benchmark ({n} papers)
docs_dir: content
site_dir: site
use_directory_urls: true
theme:
  name: material
  font: false
  features:
    - navigation.tabs
    - navigation.indexes
    - navigation.top
    - search.suggest
    - search.highlight
    - content.code.copy
# Sections and index pages only, never one entry per paper.
nav:
  - Home: index.md
  - Papers: papers/index.md
  - Topics: topics/index.md
  - Reading paths: paths/index.md
  - Summaries: summaries/index.md
  - Concepts: concepts/index.md
  - Stories: stories/index.md
  - Resources: resources/index.md
  - Graph: graph.md
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
plugins:
  - search
  - kbgen
validation:
  nav:
    omitted_files: info
    not_found: warn
    absolute_links: warn
  links:
    not_found: warn
    anchors: warn
    absolute_links: warn
    unrecognized_links: warn
"""


def generate(n: int, seed: int, out: Path, bib_entries: int | None = None) -> dict[str, int]:
    """Write the knowledge base into ``out``; return counts of what was written."""
    rng = random.Random(seed)
    topics = build_topics()
    topic_ids = [t["id"] for t in topics]
    papers = build_papers(rng, n, topic_ids)
    files: dict[str, str] = {
        "mkdocs.yml": MKDOCS_YML.format(n=n),
        "papers.yaml": "# Synthetic papers for the kbgen benchmarks.\n" + _dump({"papers": papers}),
        "content/topics.yaml": _dump({"topics": topics}),
        "content/index.md": f"# Benchmark knowledge base\n\n{n} synthetic papers.\n",
    }
    summaries = 0
    for paper in papers:
        if rng.random() < SUMMARY_SHARE:
            files[f"content/summaries/{paper['id']}.md"] = build_summary(rng, paper)
            summaries += 1
    files.update(build_pages(rng, n, papers, topic_ids))
    files.update(build_paths(rng, n, papers))
    entries = n // 2 if bib_entries is None else bib_entries
    files["refs.bib"] = build_bib(rng, entries, papers)
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return {"papers": n, "summaries": summaries, "topics": len(topics), "bib_entries": entries,
            "files": len(files)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic kbgen knowledge base for benchmarks.")
    parser.add_argument("--papers", type=int, required=True, help="number of papers (N)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    parser.add_argument("--out", type=Path, required=True, help="directory to write (created)")
    parser.add_argument("--bib-entries", type=int, default=None,
                        help="entries in refs.bib (default: N/2)")
    args = parser.parse_args(argv)
    if args.papers < 1:
        parser.error("--papers must be at least 1")
    counts = generate(args.papers, args.seed, args.out, args.bib_entries)
    print(" ".join(f"{k}={v}" for k, v in counts.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
