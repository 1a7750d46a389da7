"""TantivyBackend.matching_ids: every id a search matches, not one page (what the search bench's recall reads)."""

from datetime import UTC, datetime, timedelta

import pytest

from search.backends.tantivy import TantivyBackend
from search.query import SearchQuery

# The query understanding reads the staff's synonyms and the technology fields from the database.
pytestmark = pytest.mark.django_db


def document(id: int, summary: str, province: str, open_licence: bool) -> dict:
    return {
        "id": id,
        "title_zh": f"成果{id}",
        "title_en": "",
        "summary_zh": summary,
        "summary_en": "",
        "text": "",
        "province": province,
        "deal_mode": ["open_licence"] if open_licence else ["assignment"],
        "open_licence": open_licence,
        "pay_later": False,
        "price": None,
        "published": datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=id),
    }


@pytest.fixture
def backend(tmp_path):
    backend = TantivyBackend(tmp_path / "search")
    docs = [document(id, "高镍锂电池正极材料", "310000" if id % 2 else "320000", id % 3 == 0) for id in range(1, 31)]
    docs += [document(id, "工业机器人视觉检测", "330000", False) for id in range(31, 41)]
    backend.rebuild({"listings": docs})  # only a rebuild makes an index on disk
    yield backend
    backend.close()


def test_every_match_beyond_the_first_page(backend):
    query = SearchQuery(text="电池", page_size=5)
    assert len(backend.search(query).hits) == 5
    assert backend.matching_ids(query) == set(range(1, 31))


def test_filters_and_flags_apply(backend):
    query = SearchQuery(text="电池", filters={"province": ("310000",), "open_licence": ("1",)}, page_size=5)
    expected = {id for id in range(1, 31) if id % 2 and id % 3 == 0}
    assert backend.matching_ids(query) == expected
    assert backend.search(query).total == len(expected)


def test_no_match_and_an_empty_index(backend, tmp_path):
    assert backend.matching_ids(SearchQuery(text="量子")) == set()
    empty = TantivyBackend(tmp_path / "empty")
    empty.rebuild({"listings": []})
    assert empty.matching_ids(SearchQuery(text="电池")) == set()
    empty.close()
