"""What the site's search indexes (kbgen.site.search) and how the index is written (Pagefind, for real)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kbgen.app.search_index import index_site, use_pagefind_in_material
from kbgen.core.kb import KnowledgeBase
from kbgen.core.models import Concept, Paper, Summary
from kbgen.io.pagefind import PagefindError, build_index
from kbgen.site.search import NAME_WEIGHT, entity_names, is_searchable, page_url_of, record_html, records

KB = KnowledgeBase(
    papers={"vit": Paper(id="vit", title="An Image is Worth 16x16 Words", short="ViT",
                         aliases=["Vision Transformer"], arxiv="2010.11929"),
            "bert": Paper(id="bert", title="BERT: Pre-training of Deep Bidirectional Transformers", short="BERT")},
    concepts={"triplet-loss": Concept(id="triplet-loss", title="Triplet loss", aliases=["triplet margin loss"])},
    summaries={"vit": Summary(id="vit", title="Summary: ViT", paper="vit")},
)


def page(title: str, body: str) -> str:
    return (f"<html><head><title>{title} - Reading group</title></head><body><header>Site nav</header>"
            f'<article class="md-content__inner md-typeset">{body}</article><footer>Made with</footer></body></html>')


def test_an_entitys_names_in_order_without_repeats() -> None:
    names = entity_names(KB)
    assert names["papers/vit/"].names == ("ViT", "Vision Transformer", "vit", "2010.11929",
                                          "An Image is Worth 16x16 Words")
    assert names["papers/vit/"].label == "ViT — An Image is Worth 16x16 Words"
    assert names["papers/bert/"].names == ("BERT", "bert", "BERT: Pre-training of Deep Bidirectional Transformers")
    assert names["papers/bert/"].normalised()[:1] == ["bert"]  # "BERT" and "bert" are one name
    assert names["concepts/triplet-loss/"].normalised() == ["tripletmarginloss", "tripletloss"]
    # A summary shares its paper's id; the paper's page is the one that id names.
    assert names["summaries/vit/"].names == ("Summary: ViT",)
    assert "papers/vit.html" in entity_names(KB, directory_urls=False)


def test_which_pages_are_indexed_and_their_urls() -> None:
    assert [is_searchable(p) for p in ("index.html", "papers/vit/index.html", "404.html",
                                       "assets/kbgen/vendor/x.html", "pagefind/x.html", "feed.xml")] == [
        True, True, False, False, False, False]
    assert page_url_of("graph/index.html") == "graph/"
    assert page_url_of("graph.html", directory_urls=False) == "graph.html"


def test_a_record_is_the_article_with_the_names_first_at_the_top_weight() -> None:
    names = entity_names(KB)["papers/vit/"]
    record = record_html(page("ViT", "<h1 id='t'>An Image is Worth</h1><p>abstract</p>"), names)
    assert "Site nav" not in record and "Made with" not in record
    body = record.split("<body>", 1)[1]
    assert body.startswith(f'<p data-pagefind-weight="{NAME_WEIGHT}">ViT · Vision Transformer · vit · 2010.11929</p>')
    names_meta = 'content="vit visiontransformer 201011929 animageisworth16x16words"'
    assert f'<meta data-pagefind-meta="names[content]" {names_meta}>' in record
    assert 'data-pagefind-meta="title[content]" content="ViT — An Image is Worth 16x16 Words"' in record
    assert NAME_WEIGHT > 7  # above Pagefind's weight for an h1


def test_a_page_without_an_entity_is_titled_by_its_title_tag_and_values_are_escaped() -> None:
    record = record_html(page("Graph &amp; more", "<p>x</p>"))
    assert 'content="Graph &amp; more"' in record and "data-pagefind-weight" not in record
    hostile = KnowledgeBase(papers={"x": Paper(id="x", title='A "quoted" <b>title</b>', short="X<y>")})
    record = record_html(page("x", "<p>x</p>"), entity_names(hostile)["papers/x/"])
    assert "<b>" not in record and "X<y>" not in record and 'content="X&lt;y&gt; — A &quot;quoted&quot;' in record
    assert record_html("<html><body>no article</body></html>") is None


def test_records_skip_what_readers_should_not_find() -> None:
    pages = [("404.html", page("404", "x")), ("papers/vit/index.html", page("ViT", "<p>v</p>")),
             ("assets/kbgen/readme.html", page("dev", "x")), ("index.html", page("Home", "<p>h</p>"))]
    got = dict(records(iter(pages), KB))
    assert list(got) == ["/papers/vit/", "/"]
    assert "Vision Transformer" in got["/papers/vit/"]


def built_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "papers" / "vit").mkdir(parents=True)
    (site / "papers" / "vit" / "index.html").write_text(page("ViT", "<h1 id='a'>An Image is Worth 16x16 Words</h1>"
                                                             "<p>Transformers applied to image patches.</p>"))
    (site / "index.html").write_text(page("Home", "<h1 id='h'>Home</h1><p>Welcome to the reading group.</p>"))
    return site


def test_pagefind_writes_a_bundle_of_every_record(tmp_path) -> None:
    site = built_site(tmp_path)
    stats = build_index(site, records(iter([("papers/vit/index.html", (site / "papers/vit/index.html").read_text()),
                                            ("index.html", (site / "index.html").read_text())]), KB),
                        {"force_language": "en"})
    assert stats.pages == 2 and stats.words > 10
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]["en"]["page_count"] == 2
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert list((site / "pagefind" / "fragment").glob("*.pf_fragment"))


def test_an_indexer_failure_is_an_error_with_a_message(tmp_path) -> None:
    site = built_site(tmp_path)
    (site / "pagefind").write_text("a file where the bundle's folder should go")
    with pytest.raises(PagefindError, match="search indexer"):
        build_index(site, iter([("/", page("Home", "<p>h</p>"))]), {})


def test_material_search_is_handed_to_pagefind(tmp_path) -> None:
    site = built_site(tmp_path)
    assert use_pagefind_in_material(site) is False  # no Material search: nothing to change
    (site / "search").mkdir()
    config = {"lang": ["en"], "separator": "[\\s\\-]+"}
    (site / "search" / "search_index.json").write_text(json.dumps({"config": config, "docs": [{"text": "x" * 9999}]}))
    workers = site / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True)
    (workers / "search.1234abcd.min.js").write_text("lunr's worker")
    result = index_site(site, KB)
    assert result.material and result.stats.pages == 2
    assert json.loads((site / "search" / "search_index.json").read_text()) == {"config": config, "docs": []}
    stand_in = (workers / "search.1234abcd.min.js").read_text()
    assert 'self.kbgenPagefind = "../../../pagefind/pagefind.js";' in stand_in
    assert 'importScripts("../../kbgen/search-worker.js");' in stand_in


def test_a_page_that_cannot_be_read_stops_the_index(tmp_path) -> None:
    site = built_site(tmp_path)

    def pages():
        yield "/", page("Home", "<p>h</p>")
        raise OSError("papers/vit/index.html: permission denied")

    with pytest.raises(PagefindError, match="permission denied"):
        build_index(site, pages(), {})
    assert not (site / "pagefind").exists()  # no partial bundle
