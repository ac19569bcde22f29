"""Models: strict fields and value rules."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from kbgen.core.models import Paper, Resource, Summary, max_year, model_keys


def test_valid_paper() -> None:
    p = Paper(id="vit", title="ViT", year=2020, arxiv="2010.11929v2", doi="10.1109/CVPR.2016.90",
              url="https://arxiv.org/abs/2010.11929", difficulty="intermediate", reading_time=45)
    assert p.arxiv == "2010.11929v2"


@pytest.mark.parametrize("field,value", [
    ("id", "Vit"), ("id", "a--b"), ("id", "a" * 81), ("year", 1799), ("year", max_year() + 1),
    ("arxiv", "arXiv:1706.03762"), ("arxiv", "https://arxiv.org/abs/1706.03762"), ("doi", "doi:10.1/x"),
    ("url", "javascript:alert(1)"), ("url", "data:text/html,x"), ("pdf", "file:///etc/passwd"),
    ("difficulty", "hard"), ("reading_time", 0), ("yaer", 2020),
])
def test_invalid_values(field, value) -> None:
    data = {"id": "x", "title": "T", field: value}
    with pytest.raises(ValidationError):
        Paper(**data)


def test_old_style_arxiv_ids() -> None:
    assert Paper(id="x", title="T", arxiv="cs/0112017").arxiv == "cs/0112017"
    assert Paper(id="x", title="T", arxiv="math.GT/0309136").arxiv


def test_pages() -> None:
    s = Summary(id="vit", title="ViT", paper="vit", date="2025-02-01", contributors=["ana"])
    assert str(s.date) == "2025-02-01"
    with pytest.raises(ValidationError):
        Resource(id="r", title="R", url="ftp://x")
    assert "id" not in model_keys(Summary) and "id" in model_keys(Paper)
