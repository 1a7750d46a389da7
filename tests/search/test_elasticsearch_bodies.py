"""The Elasticsearch backend without a cluster: its mapping, request bodies and answers checked as dicts.

The contract tests run the same searches on a real cluster when ELASTICSEARCH_URL is set; these run always, so
the code that builds what is sent and reads what comes back is exercised on every test run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError, Elasticsearch, NotFoundError
from elasticsearch.helpers import BulkIndexError

from search.backends import SearchUnavailable
from search.backends import elasticsearch as es
from search.backends.elasticsearch import ElasticsearchBackend
from search.documents import listing_document
from search.query import DEMAND_FILTERS, LISTING_FILTERS, LISTING_FLAGS, SearchQuery
from tests.factories import OrganisationFactory, make_listing

# The query understanding reads the staff's synonyms and the technology fields from the database.
pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2025, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
PUBLISHED_US = 1740817815123456


def listing_doc(**changes) -> dict:
    doc = {
        "id": 42,
        "title_zh": "高能量密度锂电池正极材料",
        "title_en": "High-energy Li-ion cathode",
        "summary_zh": "一种高镍三元正极材料，循环寿命提高。",
        "summary_en": "",
        "text": "储能 IT 系统\nH01M 10/0525",
        "province": "330000",
        "city": "330100",
        "field": "new-energy",
        "ipc": ["H"],
        "kind": "patent",
        "deal_mode": ["assignment", "open_licence"],
        "open_licence": True,
        "pay_later": False,
        "trl": 6,
        "trl_band": "4-6",
        "price": None,
        "price_band": "negotiable",
        "org_kind": "university",
        "published": PUBLISHED,
    }
    return {**doc, **changes}


def api_error(cls=ApiError, status=400, error="illegal_argument_exception"):
    meta = ApiResponseMeta(
        status=status, http_version="1.1", headers=HttpHeaders(), duration=0.0, node=NodeConfig("http", "es", 9200)
    )
    return cls(error, meta, {"error": {"type": error}})


# The index: settings and mapping


def test_the_index_analyses_chinese_as_pairs_and_single_characters_and_searches_with_pairs():
    body = es.index_body()
    analysis = body["settings"]["analysis"]
    assert body["settings"]["number_of_shards"] == 1
    assert analysis["analyzer"]["cjk_index"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["cjk_width", "lowercase", "cjk_pairs_and_chars"],
    }
    assert analysis["filter"]["cjk_pairs_and_chars"] == {"type": "cjk_bigram", "output_unigrams": True}
    assert analysis["analyzer"]["cjk_search"]["filter"] == ["cjk_width", "lowercase", "cjk_bigram"]
    assert analysis["tokenizer"]["latin_words"] == {"type": "pattern", "pattern": r"[\p{IsLatin}\p{N}]+", "group": 0}
    properties = body["mappings"]["properties"]
    assert body["mappings"]["dynamic"] == "strict"
    for name in ("title", "body", "title_zh", "summary_zh"):
        assert (properties[name]["analyzer"], properties[name]["search_analyzer"]) == ("cjk_index", "cjk_search")
    for name in ("title_words", "body_words", "title_en", "summary_en"):
        assert properties[name]["analyzer"] == "latin_words"
    assert "refresh_interval" not in body["settings"]
    assert es.index_body(loading=True)["settings"]["refresh_interval"] == "-1"


def test_every_filter_and_facet_is_a_keyword_the_flags_booleans_price_and_date_numbers():
    properties = es.index_body()["mappings"]["properties"]
    for name in {*LISTING_FILTERS, *DEMAND_FILTERS} - set(LISTING_FLAGS):
        assert properties[name] == {"type": "keyword"}, name
    assert properties["open_licence"] == properties["pay_later"] == {"type": "boolean"}
    assert properties["price"] == {"type": "double"}
    assert properties["published"] == {"type": "long"}
    assert properties["id"] == {"type": "long"}


@pytest.mark.parametrize(
    ("name", "index_analyzer", "search_analyzer"),
    [("smartcn", "smartcn", "smartcn"), ("ik_max_word", "ik_max_word", "ik_smart")],
)
def test_a_plugin_analyzer_replaces_the_pairs(name, index_analyzer, search_analyzer):
    body = es.index_body(name)
    title = body["mappings"]["properties"]["title"]
    assert (title["analyzer"], title["search_analyzer"]) == (index_analyzer, search_analyzer)
    assert "cjk_index" not in body["settings"]["analysis"].get("analyzer", {})
    assert body["mappings"]["properties"]["title_words"]["analyzer"] == "latin_words"


def test_an_unknown_analyzer_is_refused():
    with pytest.raises(ImproperlyConfigured, match="ELASTICSEARCH_ANALYZER must be one of cjk, smartcn, ik_max_word"):
        es.index_body("standard")


# Documents and bulk actions


def test_a_document_keeps_the_chinese_runs_apart_from_the_words():
    source = es.source(listing_doc())
    assert source["title"] == "高能量密度锂电池正极材料"
    assert source["title_words"] == "高能量密度锂电池正极材料\nHigh-energy Li-ion cathode"
    assert source["body"] == "一种高镍三元正极材料\n循环寿命提高\n储能\n系统"
    assert "IT 系统" in source["body_words"]
    assert source["published"] == PUBLISHED_US
    assert "price" not in source  # negotiable: sorted last both ways by "missing"
    assert "trl" not in source
    assert source["deal_mode"] == ["assignment", "open_licence"]
    assert (source["open_licence"], source["pay_later"]) == (True, False)
    assert es.source(listing_doc(price=250000))["price"] == 250000.0


@pytest.mark.django_db
def test_every_field_of_a_listing_document_is_in_the_strict_mapping():
    listing = make_listing(OrganisationFactory(), status="published")
    source = es.source(listing_document(listing))
    properties = es.index_body()["mappings"]["properties"]
    assert set(source) <= set(properties)
    assert source["id"] == listing.pk
    assert source["price"] == 200000.0
    assert source["deal_mode"] == ["assignment", "ordinary_licence"]


def test_bulk_actions_index_by_id_and_count_progress():
    seen = []
    actions = list(es.bulk_actions("techmarket-listings", [listing_doc(id=1), listing_doc(id=2)], seen.append))
    assert [(a["_op_type"], a["_index"], a["_id"]) for a in actions] == [
        ("index", "techmarket-listings", "1"),
        ("index", "techmarket-listings", "2"),
    ]
    assert actions[1]["_source"]["id"] == 2
    assert seen == [1, 1]
    assert list(es.delete_actions("techmarket-demands", [7])) == [
        {"_op_type": "delete", "_index": "techmarket-demands", "_id": "7"}
    ]


def test_names_and_the_alias_swap():
    assert es.alias_name("techmarket", "listings") == "techmarket-listings"
    assert es.concrete_name("techmarket-listings", PUBLISHED) == "techmarket-listings-20250301083015123456"
    assert es.alias_actions("tm-listings", "tm-listings-2", ["tm-listings-1", "tm-listings-initial"]) == [
        {"remove": {"index": "tm-listings-1", "alias": "tm-listings"}},
        {"remove": {"index": "tm-listings-initial", "alias": "tm-listings"}},
        {"add": {"index": "tm-listings-2", "alias": "tm-listings"}},
    ]
    assert es.alias_actions("tm-listings", "tm-listings-2", []) == [
        {"add": {"index": "tm-listings-2", "alias": "tm-listings"}}
    ]
    # An index already behind the alias is not removed from it.
    assert es.alias_actions("tm-listings", "tm-listings-2", ["tm-listings-2"]) == [
        {"add": {"index": "tm-listings-2", "alias": "tm-listings"}}
    ]
    with pytest.raises(ValueError, match="unknown index"):
        es.alias_name("techmarket", "patents")


# Search bodies


def test_two_of_three_terms_and_all_the_pairs_of_a_short_term():
    body = es.search_body(SearchQuery(text="钙钛矿 Battery，电", highlight=False))
    assert body["query"] == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [
                            {"combined_fields": {"query": "钙钛矿", "fields": ["title^3", "body"], "operator": "and"}},
                            {
                                "combined_fields": {
                                    "query": "battery",
                                    "fields": ["title_words^3", "body_words"],
                                    "operator": "and",
                                }
                            },
                            {"combined_fields": {"query": "电", "fields": ["title^3", "body"], "operator": "and"}},
                        ],
                        "minimum_should_match": 2,
                    }
                }
            ],
            # 钙钛矿 whole, in the title or the summary, ranks above its pairs scattered (a boost, not a condition).
            "should": [
                {"match_phrase": {"title": {"query": "钙钛矿", "slop": 0, "boost": 2.0}}},
                {"match_phrase": {"summary": {"query": "钙钛矿", "slop": 0, "boost": 1.0}}},
            ],
        }
    }
    assert body["sort"] == ["_score", {"published": {"order": "desc"}}, {"id": {"order": "desc"}}]
    assert body["track_scores"] is True
    assert "highlight" not in body


def test_two_terms_are_both_needed_and_a_relaxed_search_needs_one():
    must = es.search_body(SearchQuery(text="钙钛矿 电解质", highlight=False))["query"]["bool"]["must"]
    assert [clause["combined_fields"]["query"] for clause in must] == ["钙钛矿", "电解质"]
    relaxed = es.search_body(SearchQuery(text="钙钛矿 电解质", highlight=False, relaxed=True))["query"]["bool"]
    assert relaxed["must"][0]["bool"]["minimum_should_match"] == 1


def test_a_long_term_needs_all_its_pairs_but_two_in_a_relaxed_search():
    exact = es.search_body(SearchQuery(text="神经网洛", highlight=False))["query"]["bool"]["must"][0]
    assert exact["combined_fields"]["operator"] == "and"
    # 神经网洛 (a typo of 神经网络) has three pairs: two of them find 神经网络.
    body = es.search_body(SearchQuery(text="神经网洛", highlight=False, relaxed=True))
    assert body["query"]["bool"]["must"] == [
        {
            "combined_fields": {
                "query": "神经网洛",
                "fields": ["title^3", "body"],
                "operator": "or",
                "minimum_should_match": "2",
            }
        }
    ]
    six = es.search_body(SearchQuery(text="钙钛矿太阳能", highlight=False, relaxed=True))["query"]["bool"]["must"][0]
    assert six["combined_fields"]["minimum_should_match"] == "3"  # five pairs


def test_synonyms_are_alternatives_at_query_time():
    body = es.search_body(SearchQuery(text="GaN 器件", highlight=False))
    gan = body["query"]["bool"]["must"][0]
    assert gan == {
        "bool": {
            "should": [
                {"combined_fields": {"query": "gan", "fields": ["title_words^3", "body_words"], "operator": "and"}},
                {"combined_fields": {"query": "氮化镓", "fields": ["title^3", "body"], "operator": "and"}},
            ],
            "minimum_should_match": 1,
        }
    }
    # Inside a longer run of Chinese, the synonym replaces the part it stands for.
    body = es.search_body(SearchQuery(text="新能源车电池", highlight=False))
    queries = [option["combined_fields"]["query"] for option in body["query"]["bool"]["must"][0]["bool"]["should"]]
    assert queries[:3] == ["新能源车电池", "新能源汽车电池", "电动汽车电池"]


def test_a_place_named_beside_other_words_is_a_boost_not_a_filter():
    body = es.search_body(SearchQuery(text="钙钛矿 电池 江苏省", highlight=False))["query"]["bool"]
    assert [clause["combined_fields"]["query"] for clause in body["must"]] == ["钙钛矿", "电池"]
    assert body["should"] == [
        {
            "bool": {
                "should": [
                    {"combined_fields": {"query": "江苏省", "fields": ["title^3", "body"], "operator": "and"}},
                    {"term": {"province": {"value": "320000", "boost": 3.0}}},
                ],
                "minimum_should_match": 1,
            }
        },
        *phrases("钙钛矿", "电池", ("钙钛矿 电池", 4)),
    ]
    assert "filter" not in body
    # A city by its short name; a query of a place alone needs it (in the text or as the listings' city).
    alone = es.search_body(SearchQuery(text="合肥", highlight=False))["query"]["bool"]
    assert alone["must"][0]["bool"]["should"][1] == {"term": {"city": {"value": "340100", "boost": 3.0}}}
    assert alone["should"] == phrases("合肥")  # the name in a row in a title or summary: no place boost beside


def phrases(*texts) -> list[dict]:
    """The should clauses of phrases: a text (slop 0) or (text, slop), each in the title and in the summary."""
    clauses = []
    for text in texts:
        text, slop = (text, 0) if isinstance(text, str) else text
        for field, boost in (("title", 2.0), ("summary", 1.0)):
            clauses.append({"match_phrase": {field: {"query": text, "slop": slop, "boost": boost}}})
    return clauses


def test_terms_whole_and_near_each_other_rank_above_their_pairs_scattered():
    body = es.search_body(SearchQuery(text="钙钛矿 涂布工艺 roll", highlight=False))["query"]["bool"]
    assert [clause["combined_fields"]["query"] for clause in body["must"][0]["bool"]["should"]] == [
        "钙钛矿",
        "涂布工艺",
        "roll",
    ]
    # Each Chinese term whole (Latin words are single terms), then the two near each other in the query's order:
    # three characters between them, and one position for the pair across the join the query's text does not have.
    assert body["should"] == phrases("钙钛矿", "涂布工艺", ("钙钛矿 涂布工艺", 4))
    # A single character has no pair: no phrase. Without text there is none.
    assert "should" not in es.search_body(SearchQuery(text="电 roll", highlight=False))["query"]["bool"]
    assert es.search_body(SearchQuery(highlight=False))["query"] == {"match_all": {}}


def test_a_synonym_whole_ranks_as_the_term_whole():
    body = es.search_body(SearchQuery(text="锂离子电池", highlight=False))["query"]["bool"]
    texts = [clause["match_phrase"]["title"]["query"] for clause in body["should"] if "title" in clause["match_phrase"]]
    assert texts[0] == "锂离子电池" and "锂电池" in texts


def test_the_summary_has_a_field_of_its_own_for_its_phrases():
    source = es.source(listing_doc(summary_zh="一种高镍三元正极材料，循环寿命提高。"))
    assert source["summary"] == "一种高镍三元正极材料\n循环寿命提高"
    mapping = es.index_body()["mappings"]["properties"]
    assert mapping["summary"] == mapping["title"]


def test_full_width_and_upper_case_are_folded_before_the_query_is_built():
    assert es.search_body(SearchQuery(text="ＢＭＳ", highlight=False)) == es.search_body(
        SearchQuery(text="bms", highlight=False)
    )


@pytest.mark.django_db
def test_traditional_characters_are_simplified_in_the_query_and_in_the_document():
    assert es.search_body(SearchQuery(text="半導體 封裝", highlight=False)) == es.search_body(
        SearchQuery(text="半导体 封装", highlight=False)
    )
    source = es.source(listing_doc(title_zh="高能量密度鋰電池正極材料"))
    assert source["title"] == "高能量密度锂电池正极材料"


def test_no_words_and_no_filters_list_everything_newest_first():
    body = es.search_body(SearchQuery())
    assert body["query"] == {"match_all": {}}
    assert body["sort"] == [{"published": {"order": "desc"}}, {"id": {"order": "desc"}}]
    assert "track_scores" not in body
    assert "highlight" not in body  # nothing to mark
    assert "aggs" not in body


def test_filters_are_filter_clauses_any_value_of_one_all_of_several():
    query = SearchQuery(
        filters={"province": ("330000", "320000"), "ipc": ("H",), "open_licence": ("1",), "pay_later": ("1",)}
    )
    assert es.search_body(query)["query"] == {
        "bool": {
            "filter": [
                {"terms": {"province": ["330000", "320000"]}},
                {"terms": {"ipc": ["H"]}},
                {"term": {"open_licence": True}},
                {"term": {"pay_later": True}},
            ]
        }
    }


def test_a_filter_without_values_is_no_filter_and_demands_filter_on_status():
    query = SearchQuery(index="demands", text="电池", filters={"status": ("open",), "field": ()}, highlight=False)
    assert es.search_body(query)["query"]["bool"]["filter"] == [{"terms": {"status": ["open"]}}]


def test_published_after_keeps_only_later_documents_to_the_microsecond():
    query = SearchQuery(text="电池", published_after=PUBLISHED, highlight=False)
    assert es.search_body(query)["query"]["bool"]["filter"] == [{"range": {"published": {"gt": PUBLISHED_US}}}]


def test_facets_are_terms_aggregations_of_the_same_query():
    body = es.search_body(SearchQuery(facets=("province", "deal_mode", "price_band")))
    assert body["aggs"] == {
        "province": {"terms": {"field": "province", "size": 200}},
        "deal_mode": {"terms": {"field": "deal_mode", "size": 200}},
        "price_band": {"terms": {"field": "price_band", "size": 200}},
    }


def test_a_chosen_facet_value_moves_to_the_post_filter_and_each_facet_counts_under_the_others():
    query = SearchQuery(
        filters={"province": ("310000",), "kind": ("patent",), "open_licence": ("1",)},
        facets=("province", "kind", "field"),
    )
    body = es.search_body(query)
    assert body["query"]["bool"]["filter"] == [{"term": {"open_licence": True}}]  # a flag is no facet: stays
    province, kind = {"terms": {"province": ["310000"]}}, {"terms": {"kind": ["patent"]}}
    assert body["post_filter"] == {"bool": {"filter": [province, kind]}}
    terms = {name: {"terms": {"field": name, "size": 200}} for name in ("province", "kind", "field")}
    assert body["aggs"] == {
        "province": {"filter": {"bool": {"filter": [kind]}}, "aggs": {"province": terms["province"]}},
        "kind": {"filter": {"bool": {"filter": [province]}}, "aggs": {"kind": terms["kind"]}},
        "field": {"filter": {"bool": {"filter": [province, kind]}}, "aggs": {"field": terms["field"]}},
    }


def test_a_nested_facet_answer_is_read_like_a_plain_one():
    query = SearchQuery(filters={"province": ("310000",)}, facets=("province", "kind"))
    response = {
        "took": 3,
        "hits": {"total": {"value": 1}, "hits": [{"_id": "7", "_score": 1.0}]},
        "aggregations": {
            "province": {"buckets": [{"key": "310000", "doc_count": 1}, {"key": "320000", "doc_count": 4}]},
            "kind": {"doc_count": 1, "kind": {"buckets": [{"key": "patent", "doc_count": 1}]}},
        },
    }
    result = es.parse_response(query, response)
    assert result.facets == {"province": [("310000", 1), ("320000", 4)], "kind": [("patent", 1)]}


@pytest.mark.parametrize(
    ("sort", "first"),
    [
        ("price", {"price": {"order": "asc", "missing": "_last"}}),
        ("-price", {"price": {"order": "desc", "missing": "_last"}}),
        ("newest", {"published": {"order": "desc"}}),
        ("relevance", "_score"),
    ],
)
def test_each_sort_puts_negotiable_prices_last_and_breaks_ties_newest_first(sort, first):
    body = es.search_body(SearchQuery(text="电池", sort=sort))
    assert body["sort"][0] == first
    assert body["sort"][-1] == {"id": {"order": "desc"}}
    assert ("track_scores" in body) == (sort == "relevance")


def test_paging_asks_for_one_page_and_an_exact_total():
    body = es.search_body(SearchQuery(text="电池", page=3, page_size=10))
    assert (body["from"], body["size"], body["track_total_hits"], body["_source"]) == (20, 10, True, False)


def test_highlights_are_escaped_html_with_marks_on_titles_and_summaries():
    highlight = es.search_body(SearchQuery(text="锂电池 ion"))["highlight"]
    assert (highlight["type"], highlight["encoder"]) == ("unified", "html")
    assert (highlight["pre_tags"], highlight["post_tags"]) == (["<mark>"], ["</mark>"])
    assert set(highlight["fields"]) == {"title_zh", "summary_zh", "title_en", "summary_en"}
    title, summary = highlight["fields"]["title_zh"], highlight["fields"]["summary_zh"]
    assert title["number_of_fragments"] == 0  # the whole title
    assert (summary["number_of_fragments"], summary["fragment_size"], summary["no_match_size"]) == (1, 160, 160)
    # The words and their synonyms (锂电池: 锂离子电池, 锂电) are marked.
    assert title["highlight_query"] == {
        "bool": {
            "should": [
                {"match_phrase": {"title_zh": "锂电池"}},
                {"match_phrase": {"title_zh": "锂离子电池"}},
                {"match_phrase": {"title_zh": "锂电"}},
                {"match_phrase": {"title_zh": "ion"}},
            ]
        }
    }
    assert highlight["fields"]["summary_en"]["highlight_query"]["bool"]["should"][3] == {
        "match_phrase": {"summary_en": "ion"}
    }


# Answers


RESPONSE = {
    "took": 7,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 23, "relation": "eq"},
        "max_score": 12.5,
        "hits": [
            {
                "_index": "techmarket-listings-20250301083015123456",
                "_id": "42",
                "_score": 12.5,
                "sort": [12.5, PUBLISHED_US, 42],
                "highlight": {
                    "title_zh": ["高能量密度<mark>锂电</mark><mark>池</mark>正极材料"],
                    "summary_zh": ["一种高镍三元正极材料 &lt;b&gt; A&#x2F;B"],
                    "title_en": ["High-energy Li-<mark>ion</mark> cathode"],
                },
            },
            {"_index": "techmarket-listings-20250301083015123456", "_id": "7", "_score": 3.25, "sort": [3.25, 1, 7]},
        ],
    },
    "aggregations": {
        "province": {
            "doc_count_error_upper_bound": 0,
            "sum_other_doc_count": 0,
            "buckets": [{"key": "330000", "doc_count": 15}, {"key": "320000", "doc_count": 8}],
        },
        "deal_mode": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []},
    },
}


def test_an_answer_becomes_hits_total_facets_and_marked_highlights():
    query = SearchQuery(text="锂电池 ion", facets=("province", "deal_mode"))
    result = es.parse_response(query, RESPONSE, took_ms=9.5)
    assert result.ids == [42, 7]
    assert [hit.score for hit in result.hits] == [12.5, 3.25]
    assert result.total == 23
    assert result.facets == {"province": [("330000", 15), ("320000", 8)], "deal_mode": []}
    assert result.took_ms == 9.5
    assert result.hits[0].highlight == {
        "title": "高能量密度<mark>锂电池</mark>正极材料",
        "summary": "一种高镍三元正极材料 &lt;b&gt; A/B",
        "title_en": "High-energy Li-<mark>ion</mark> cathode",
    }
    assert result.hits[1].highlight == {"title": "", "summary": ""}


def test_without_ranking_or_highlighting_hits_carry_neither():
    query = SearchQuery(text="锂电池", sort="newest", highlight=False)
    result = es.parse_response(query, RESPONSE)
    assert [hit.score for hit in result.hits] == [0.0, 0.0]
    assert [hit.highlight for hit in result.hits] == [{}, {}]
    assert result.took_ms == 7.0
    assert result.facets == {}


def test_a_missing_index_answers_nothing_and_a_partial_answer_is_unavailable():
    empty = {"took": 0, "timed_out": False, "_shards": {"total": 0, "failed": 0}, "hits": {"total": 0, "hits": []}}
    result = es.parse_response(SearchQuery(facets=("province",)), empty)
    assert (result.ids, result.total, result.facets) == ([], 0, {"province": []})
    with pytest.raises(SearchUnavailable, match="partial answer"):
        es.parse_response(SearchQuery(), {**RESPONSE, "_shards": {"total": 2, "failed": 1, "failures": ["x"]}})
    with pytest.raises(SearchUnavailable, match="timed out"):
        es.parse_response(SearchQuery(), {**RESPONSE, "timed_out": True})


# More like this


def test_more_like_this_a_document_leaves_it_out():
    body = es.like_body(es.like_document("techmarket-listings", 42), size=7)
    assert body == {
        "query": {
            "more_like_this": {
                "fields": ["title", "body", "title_words", "body_words"],
                "like": [{"_index": "techmarket-listings", "_id": "42"}],
                "min_term_freq": 1,
                "min_doc_freq": 1,
                "max_query_terms": 200,
                "minimum_should_match": 1,
                "include": False,
            }
        },
        "size": 7,
        "_source": False,
    }


def test_more_like_this_puts_the_same_field_first():
    body = es.like_body(es.like_document("techmarket-listings", 42), size=7, field="new-energy")
    should = body["query"]["bool"]["should"]
    assert should[0]["more_like_this"]["like"] == [{"_index": "techmarket-listings", "_id": "42"}]
    assert should[1] == {"term": {"field": {"value": "new-energy", "boost": 5}}}


def test_more_like_a_text_analyses_it_as_a_body():
    like = es.like_text_document("techmarket-listings", "需要固态电池 solid-state 技术")
    assert like == {
        "_index": "techmarket-listings",
        "doc": {"body": "需要固态电池\n技术", "body_words": "需要固态电池 solid-state 技术\n\n"},
    }


# Connection


def test_connection_options_with_an_api_key_a_ca_bundle_and_a_timeout():
    options = es.connection_options(
        url="https://es1.example:9200, https://es2.example:9200", api_key="a2V5OnNlY3JldA==", ca_certs="/etc/ca.pem"
    )
    assert options == {
        "hosts": ["https://es1.example:9200", "https://es2.example:9200"],
        "request_timeout": 2.0,
        "max_retries": 1,
        "retry_on_timeout": False,
        "api_key": "a2V5OnNlY3JldA==",
        "ca_certs": "/etc/ca.pem",
    }


def test_connection_options_with_basic_auth():
    options = es.connection_options(url="http://es:9200", username="techmarket", password="s3cret", timeout=0.5)
    assert options["basic_auth"] == ("techmarket", "s3cret")
    assert options["request_timeout"] == 0.5
    assert "api_key" not in options


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": " "}, "ELASTICSEARCH_URL must be set"),
        ({"api_key": "k", "username": "u"}, "not both"),
        ({"timeout": 0}, "positive number"),
    ],
)
def test_connection_options_refuse_what_cannot_work(changes, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        es.connection_options(**{"url": "http://es:9200", **changes})


@override_settings(
    ELASTICSEARCH_URL="https://search:s3cret@es.internal:9243",
    ELASTICSEARCH_API_KEY="",
    ELASTICSEARCH_USERNAME="",
    ELASTICSEARCH_PASSWORD="",
    ELASTICSEARCH_CA_CERTS="/etc/ssl/es-ca.pem",
    ELASTICSEARCH_TIMEOUT=1.5,
    ELASTICSEARCH_INDEX_PREFIX="tm-staging",
    ELASTICSEARCH_ANALYZER="smartcn",
)
def test_the_backend_is_made_from_the_settings_and_hides_the_password():
    assert es.settings_options()["hosts"] == ["https://search:s3cret@es.internal:9243"]
    assert es.settings_options()["ca_certs"] == "/etc/ssl/es-ca.pem"
    backend = ElasticsearchBackend.from_settings()
    try:
        assert backend.alias("demands") == "tm-staging-demands"
        assert backend.analyzer_name == "smartcn"
        assert "s3cret" not in repr(backend)
        assert "https://search:***@es.internal:9243" in repr(backend)
    finally:
        backend.close()


@override_settings(ELASTICSEARCH_URL="http://es:9200", ELASTICSEARCH_ANALYZER="jieba")
def test_the_backend_refuses_an_unknown_analyzer_at_once():
    with pytest.raises(ImproperlyConfigured, match="ELASTICSEARCH_ANALYZER"):
        ElasticsearchBackend.from_settings()


def test_an_unreachable_cluster_makes_the_search_unavailable():
    client = Elasticsearch(**es.connection_options(url="http://127.0.0.1:9", timeout=0.5))
    backend = ElasticsearchBackend(client)
    try:
        with pytest.raises(SearchUnavailable, match="Elasticsearch failed to search listings"):
            backend.search(SearchQuery(text="电池", facets=("province",)))
        with pytest.raises(SearchUnavailable):
            backend.more_like_this("listings", 1)
    finally:
        backend.close()


# What the backend sends, with a stand-in for the client


class FakeIndices:
    def __init__(self, aliases: dict[str, list[str]]):
        self.aliases = aliases
        self.calls: list[tuple] = []

    def exists_alias(self, name):
        self.calls.append(("exists_alias", name))
        return name in self.aliases

    def create(self, index, body):
        self.calls.append(("create", index, body))

    def put_settings(self, index, settings):
        self.calls.append(("put_settings", index, settings))

    def refresh(self, index):
        self.calls.append(("refresh", index))

    def get_alias(self, name):
        if name not in self.aliases:
            raise api_error(NotFoundError, 404, "aliases_not_found_exception")
        return SimpleNamespace(body={index: {"aliases": {name: {}}} for index in self.aliases[name]})

    def update_aliases(self, actions):
        self.calls.append(("update_aliases", actions))

    def delete(self, index, ignore_unavailable):
        self.calls.append(("delete", index))


class FakeClient:
    def __init__(self, aliases=None, response=None, error=None):
        self.indices = FakeIndices(aliases or {})
        self.response, self.error = response, error
        self.searches: list[dict] = []
        self.timeouts: list[float] = []

    def options(self, request_timeout):
        self.timeouts.append(request_timeout)
        return self

    def search(self, index, body, ignore_unavailable):
        self.searches.append({"index": index, "body": body, "ignore_unavailable": ignore_unavailable})
        if self.error:
            raise self.error
        return SimpleNamespace(body=self.response)


@pytest.fixture
def bulk_calls(monkeypatch):
    calls = []

    def bulk(client, actions, **options):
        actions = list(actions)
        calls.append((actions, options))
        return len(actions), []

    monkeypatch.setattr(es.helpers, "bulk", bulk)
    return calls


def test_rebuild_fills_a_new_index_then_moves_the_alias_and_drops_the_old_one(bulk_calls, monkeypatch):
    monkeypatch.setattr(es, "concrete_name", lambda alias: f"{alias}-new")
    client = FakeClient(aliases={"techmarket-listings": ["techmarket-listings-old"]})
    progress = []
    counts = ElasticsearchBackend(client).rebuild(
        {"listings": [listing_doc(id=1), listing_doc(id=2)], "demands": []}, progress=progress.append
    )
    assert counts == {"listings": 2, "demands": 0}
    assert progress == [1, 1]
    [(actions, options), _demands] = bulk_calls
    assert [action["_index"] for action in actions] == ["techmarket-listings-new"] * 2
    assert options == {}
    listings_calls = client.indices.calls[:6]
    assert [call[0] for call in listings_calls] == [
        "create",
        "put_settings",
        "refresh",
        "update_aliases",
        "delete",
        "create",
    ]
    assert listings_calls[0][2]["settings"]["refresh_interval"] == "-1"
    assert listings_calls[1] == ("put_settings", "techmarket-listings-new", {"index": {"refresh_interval": None}})
    assert listings_calls[3][1] == [
        {"remove": {"index": "techmarket-listings-old", "alias": "techmarket-listings"}},
        {"add": {"index": "techmarket-listings-new", "alias": "techmarket-listings"}},
    ]
    assert listings_calls[4] == ("delete", "techmarket-listings-old")
    # The demands had no alias yet: it is made, and nothing is dropped.
    assert client.indices.calls[6:] == [
        ("put_settings", "techmarket-demands-new", {"index": {"refresh_interval": None}}),
        ("refresh", "techmarket-demands-new"),
        ("update_aliases", [{"add": {"index": "techmarket-demands-new", "alias": "techmarket-demands"}}]),
    ]
    assert set(client.timeouts) == {es.WRITE_TIMEOUT}


def test_a_failed_rebuild_drops_the_new_index_and_leaves_the_alias(monkeypatch):
    monkeypatch.setattr(es, "concrete_name", lambda alias: f"{alias}-new")

    def bulk(client, actions, **options):
        raise BulkIndexError("1 document(s) failed to index.", [{"index": {"_id": "1", "status": 400}}])

    monkeypatch.setattr(es.helpers, "bulk", bulk)
    client = FakeClient(aliases={"techmarket-listings": ["techmarket-listings-old"]})
    with pytest.raises(SearchUnavailable, match="failed to rebuild listings"):
        ElasticsearchBackend(client).rebuild({"listings": [listing_doc()]})
    assert [call[0] for call in client.indices.calls] == ["create", "delete"]
    assert client.indices.calls[1] == ("delete", "techmarket-listings-new")


def test_writes_go_through_the_alias_made_on_first_use(bulk_calls):
    client = FakeClient()
    backend = ElasticsearchBackend(client, prefix="tm")
    assert backend.index("listings", [listing_doc(id=5)]) == 1
    backend.delete("listings", [5, 6])
    exists, create = client.indices.calls[:2]
    assert exists == ("exists_alias", "tm-listings")
    assert create[1] == "tm-listings-initial"
    assert create[2]["aliases"] == {"tm-listings": {}}
    assert create[2]["mappings"] == es.index_body()["mappings"]
    assert len(client.indices.calls) == 2  # the alias is checked once per process
    (indexed, index_options), (deleted, delete_options) = bulk_calls
    assert [(a["_op_type"], a["_index"], a["_id"]) for a in indexed] == [("index", "tm-listings", "5")]
    assert index_options == {"require_alias": True, "refresh": True}
    assert [(a["_op_type"], a["_id"]) for a in deleted] == [("delete", "5"), ("delete", "6")]
    assert delete_options == {"require_alias": True, "refresh": True, "ignore_status": (404,)}


def test_an_index_made_meanwhile_by_another_process_is_used(bulk_calls):
    client = FakeClient()

    def create(index, body):
        raise api_error(status=400, error="resource_already_exists_exception")

    client.indices.create = create
    assert ElasticsearchBackend(client).index("demands", [listing_doc()]) == 1
    assert bulk_calls[0][0][0]["_index"] == "techmarket-demands"


def test_search_sends_the_body_to_the_alias_and_reads_the_answer():
    client = FakeClient(response=RESPONSE)
    query = SearchQuery(text="锂电池", facets=("province",), filters={"pay_later": ("1",)})
    result = ElasticsearchBackend(client).search(query)
    [sent] = client.searches
    assert sent == {"index": "techmarket-listings", "body": es.search_body(query), "ignore_unavailable": True}
    assert result.ids == [42, 7]
    assert result.facets == {"province": [("330000", 15), ("320000", 8)]}
    assert result.took_ms >= 0 and result.took_ms != 7  # measured here, not the engine's own figure


def test_an_error_from_the_cluster_makes_the_search_unavailable():
    client = FakeClient(error=api_error(status=400, error="search_phase_execution_exception"))
    with pytest.raises(SearchUnavailable, match="search_phase_execution_exception"):
        ElasticsearchBackend(client).search(SearchQuery(text="电池"))


def test_more_like_this_leaves_the_document_out_and_stops_at_the_limit():
    hits = [{"_id": str(id), "_score": 1.0} for id in (42, 3, 9, 4)]
    client = FakeClient(response={"hits": {"total": {"value": 4}, "hits": hits}})
    backend = ElasticsearchBackend(client)
    assert backend.more_like_this("listings", 42, limit=2) == [3, 9]
    assert client.searches[0]["body"]["size"] == 3
    assert client.searches[0]["body"]["query"]["more_like_this"]["like"] == [
        {"_index": "techmarket-listings", "_id": "42"}
    ]
    assert backend.like_text("demands", "固态电池", limit=3) == [42, 3, 9]
    assert client.searches[1]["index"] == "techmarket-demands"
    assert backend.like_text("demands", "  ，。 ") == []
    assert len(client.searches) == 2


def test_ids_lists_every_document_and_none_without_an_index(monkeypatch):
    def scan(client, query, index):
        assert query == {"query": {"match_all": {}}, "_source": False}
        if index == "techmarket-demands":
            raise api_error(NotFoundError, 404, "index_not_found_exception")
        return iter([{"_id": "3"}, {"_id": "11"}])

    monkeypatch.setattr(es.helpers, "scan", scan)
    backend = ElasticsearchBackend(FakeClient())
    assert backend.ids("listings") == {3, 11}
    assert backend.ids("demands") == set()


def test_drop_deletes_the_indexes_behind_the_aliases():
    client = FakeClient(aliases={"tm-listings": ["tm-listings-1"], "tm-other": ["tm-other-1"]})
    ElasticsearchBackend(client, prefix="tm").drop()
    assert client.indices.calls == [("delete", "tm-listings-1")]
