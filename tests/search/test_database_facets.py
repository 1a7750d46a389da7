"""The database fallback (used when the search engine is down) counts facets as the engines do: disjunctively."""

from search.database import database_search
from search.query import SearchQuery
from tests.search.contract import CORPUS, _make


def test_a_chosen_province_keeps_the_other_provinces_with_their_counts(db):
    for key in CORPUS:
        _make(key)
    result = database_search(SearchQuery(filters={"province": ("310000",)}, facets=("province", "kind")))
    assert result.total == 2
    assert dict(result.facets["province"]) == {"310000": 2, "320000": 2, "330000": 1, "340000": 1}
    assert sum(count for _value, count in result.facets["kind"]) == 2
