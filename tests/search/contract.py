"""The behaviour every search backend owes the site, as one test class to subclass per backend.

A subclass gives a ``backend`` fixture: an empty backend of its kind. The
corpus below is made through the services; what each search must answer is
worked out here from the database (the listings' own rows), not from the
search code.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from listings.choices import ListingStatus
from listings.models import Demand, Listing
from listings.services import listings as listing_services
from listings.services.demands import demand_create
from listings.services.listings import Term
from search.documents import demand_documents, listing_documents, price_band, trl_band
from search.query import DEMANDS, LISTING_FACETS, LISTINGS, SearchQuery
from techmarket.accounts.choices import OrganisationKind
from techmarket.regions.models import TechnologyField
from tests.factories import make_listing, make_patent, organisation_in

CORPUS = {
    # key: (province, organisation kind, listing fields, deal terms)
    "cathode": (
        "310000",
        OrganisationKind.UNIVERSITY,
        {
            "title_zh": "高能量密度锂电池正极材料",
            "title_en": "High-energy lithium BATTERY cathode",
            "summary_zh": "一种高镍正极材料，循环寿命提高百分之三十。",
            "field_slug": "new-energy",
            "trl": 6,
            "kind": "patent",
            "patent": ("一种高镍正极材料的制备方法", ["H01M 4/525"]),
        },
        [Term("assignment", None), Term("open_licence", 50_000)],
    ),
    "bms": (
        "320000",
        OrganisationKind.INSTITUTE,
        {
            "title_zh": "电池管理系统芯片",
            "summary_zh": "面向新能源汽车的BMS芯片，采样精度达到毫伏级。",
            "field_slug": "integrated-circuits",
            "trl": 8,
            "kind": "software",
        },
        [Term("pay_later", 300_000), Term("ordinary_licence", 800_000)],
    ),
    "vision": (
        "330000",
        OrganisationKind.UNIVERSITY,
        {
            "title_zh": "工业机器人视觉检测方法",
            "summary_zh": "基于深度学习的表面缺陷检测，识别准确率超过百分之九十九。",
            "field_slug": "artificial-intelligence",
            "trl": 4,
            "kind": "patent",
            "patent": ("一种表面缺陷的视觉检测方法", ["G06T 7/00"]),
        },
        [Term("exclusive_licence", 2_500_000)],
    ),
    "implant": (
        "340000",
        OrganisationKind.UNIVERSITY,
        {
            "title_zh": "可降解镁合金骨钉",
            "summary_zh": "植入后十二个月内完全降解，无需二次手术取出。",
            "field_slug": "biomedicine",
            "trl": 5,
            "kind": "patent",
            "patent": ("一种可降解镁合金及其制备方法", ["A61L 31/02", "C22C 23/00"]),
        },
        [Term("assignment", None)],
    ),
    "solar": (
        "310000",
        OrganisationKind.INSTITUTE,
        {
            "title_zh": "光伏电站智能运维平台",
            "summary_zh": "对电池板进行无人机巡检和故障定位，运维成本降低四成。",
            "field_slug": "new-energy",
            "trl": 9,
            "kind": "patent",
            "patent": ("一种光伏组件巡检方法", ["H02S 50/10"]),
        },
        [Term("open_licence", 0)],
    ),
    "quantum": (
        "320000",
        OrganisationKind.UNIVERSITY,
        {
            "title_zh": "量子点显示薄膜",
            "title_en": "Quantum dot display film",
            "summary_zh": "色域覆盖率达到百分之一百一十，适用于高端显示器。",
            "field_slug": "advanced-materials",
            "trl": 2,
            "kind": "know_how",
        },
        [Term("equity", 12_000_000)],
    ),
}


def _make(key: str, *, status: str = ListingStatus.PUBLISHED) -> Listing:
    province, org_kind, fields, terms = CORPUS[key]
    fields = dict(fields)
    organisation = organisation_in(province, kind=org_kind)
    patents = None
    if "patent" in fields:
        title, ipc = fields.pop("patent")
        patents = [make_patent(organisation, title=title, ipc_codes=ipc)]
    return make_listing(organisation, status=status, patents=patents, terms=terms, **fields)


class BackendContract:
    """Subclass with a ``backend`` fixture giving an empty backend."""

    @pytest.fixture
    def corpus(self, db, backend) -> dict[str, Listing]:
        listings = {key: _make(key) for key in CORPUS}
        # Published a minute apart, in the corpus's order: "newest" is the reverse of it.
        start = timezone.now() - timedelta(days=1)
        for minute, listing in enumerate(listings.values()):
            Listing.objects.filter(pk=listing.pk).update(published_at=start + timedelta(minutes=minute))
        _make("cathode", status=ListingStatus.DRAFT)  # never in the index
        backend.rebuild({LISTINGS: listing_documents(), DEMANDS: demand_documents()})
        return {key: Listing.objects.get(pk=listing.pk) for key, listing in listings.items()}

    def ids(self, backend, **query) -> set[int]:
        return set(backend.search(SearchQuery(page_size=50, **query)).ids)

    @staticmethod
    def pks(corpus, *keys) -> set[int]:
        return {corpus[key].pk for key in keys}

    # Text

    @pytest.mark.parametrize(
        "text, keys",
        [
            ("电池", ["cathode", "bms", "solar"]),  # inside 锂电池, 电池管理 and 电池板
            ("锂电池", ["cathode"]),
            ("池管", ["bms"]),  # a pair across what a reader takes for two words
            ("视觉检测", ["vision"]),
            ("电池 芯片", ["bms"]),  # every term must be found
            ("battery", ["cathode"]),  # Latin words lower-cased on both sides
            ("BMS", ["bms"]),
            ("ＢＭＳ", ["bms"]),  # full-width letters
            ("鋰電池", ["cathode"]),  # traditional characters find the simplified text (OpenCC t2s)
            ("視覺檢測", ["vision"]),
            ("镁合金", ["implant"]),  # in the summary, the title and the patent's title
            ("H01M", ["cathode"]),  # IPC codes are searchable text
            ("量子点 display", ["quantum"]),
            ("石墨烯", []),
            ("", ["cathode", "bms", "vision", "implant", "solar", "quantum"]),
        ],
    )
    def test_text_recall(self, backend, corpus, text, keys):
        assert self.ids(backend, text=text) == self.pks(corpus, *keys)

    def test_a_single_character_finds_the_listings_holding_it(self, backend, corpus):
        assert self.ids(backend, text="镁") == self.pks(corpus, "implant")
        assert self.ids(backend, text="电") == self.pks(corpus, "cathode", "bms", "solar")

    def test_query_syntax_is_just_text(self, backend, corpus):
        for text in ('电池 AND "', "title:电池", "(((", "*", "-电池", "电池~2", "\\"):
            result = backend.search(SearchQuery(text=text, page_size=50))
            assert set(result.ids) <= self.pks(corpus, *CORPUS), text

    def test_a_title_match_ranks_first(self, backend, corpus):
        # 光伏电站... has 电池 only in its summary; the two with it in the title come first.
        ranked = backend.search(SearchQuery(text="电池")).ids
        assert set(ranked[:2]) == self.pks(corpus, "cathode", "bms")
        assert ranked[2] == corpus["solar"].pk

    def _add(self, backend, **fields) -> Listing:
        listing = make_listing(organisation_in("310000"), status=ListingStatus.PUBLISHED, kind="software", **fields)
        backend.index(LISTINGS, listing_documents(Listing.objects.filter(pk=listing.pk)))
        return listing

    def test_a_term_found_whole_ranks_above_its_pairs_scattered(self, backend, corpus):
        # Both titles hold 数据, 据安 and 安全, the pairs of 数据安全, once each; only the first has them in a row. On
        # its pairs alone the second, with the shorter title, would rank first.
        whole = self._add(backend, title_zh="按照安装位置的数据安全监测", summary_zh="适用于工厂。")
        scattered = self._add(backend, title_zh="根据安装的安全数据监测", summary_zh="适用于工厂。")
        assert backend.search(SearchQuery(text="数据安全")).ids == [whole.pk, scattered.pk]

    def test_the_query_s_terms_near_each_other_rank_above_them_apart(self, backend, corpus):
        # 钙钛矿 and 电池 next to each other in one title, five characters apart in the other, shorter, title.
        near = self._add(backend, title_zh="钙钛矿电池组件的大面积封装工艺", summary_zh="适用于工厂。")
        apart = self._add(backend, title_zh="钙钛矿薄膜沉积用于电池", summary_zh="适用于工厂。")
        assert backend.search(SearchQuery(text="钙钛矿 电池")).ids == [near.pk, apart.pk]

    def test_a_phrase_in_the_summary_ranks_above_the_same_in_the_rest(self, backend, corpus):
        # The same words in the same body, in the summary of one and in the problem of the other, whose shorter
        # body would rank it first on its pairs alone.
        in_summary = self._add(
            backend, title_zh="监测装置", summary_zh="数据安全监测。", problem="适用于工厂、园区和矿山的各类场景。"
        )
        in_rest = self._add(backend, title_zh="监测装置", summary_zh="适用于工厂。", problem="数据安全监测。")
        assert backend.search(SearchQuery(text="数据安全")).ids == [in_summary.pk, in_rest.pk]

    # What a person means (search.understanding): synonyms, places, typos, several words

    @pytest.mark.parametrize(
        "text, keys",
        [
            ("锂离子电池", ["cathode"]),  # the longer form of 锂电池
            ("PV", ["solar"]),  # 光伏 in the other language
            ("计算机视觉", ["vision"]),  # a synonym of 视觉检测
            ("电池管理系统", ["bms"]),
            ("BMS芯片", ["bms"]),
        ],
    )
    def test_synonyms_and_abbreviations_find_what_the_other_form_names(self, backend, corpus, text, keys):
        assert self.ids(backend, text=text) == self.pks(corpus, *keys)

    def test_one_wrong_character_in_a_longer_term_is_found_by_the_relaxed_search(self, backend, corpus):
        assert self.ids(backend, text="视觉检侧") == set()  # exact first
        assert self.ids(backend, text="视觉检侧", relaxed=True) == self.pks(corpus, "vision")  # 检测
        assert self.ids(backend, text="可降解镁合全", relaxed=True) == self.pks(corpus, "implant")  # 镁合金
        # Short terms stay exact: a wrong character in two or three finds nothing.
        assert self.ids(backend, text="镁合全", relaxed=True) == set()

    def test_a_place_named_in_the_query_ranks_its_listings_first_without_filtering(self, backend, corpus):
        ranked = backend.search(SearchQuery(text="电池 上海")).ids
        assert set(ranked) == self.pks(corpus, "cathode", "bms", "solar")  # Jiangsu's bms is still found
        assert set(ranked[:2]) == self.pks(corpus, "cathode", "solar")
        ranked = backend.search(SearchQuery(text="江苏省 电池")).ids
        assert ranked[0] == corpus["bms"].pk and len(ranked) == 3
        # A place alone finds its listings (and any naming it).
        assert self.ids(backend, text="合肥") == self.pks(corpus, "implant")

    def test_most_terms_of_a_longer_query_are_enough_and_more_rank_higher(self, backend, corpus):
        # Two of three: the cathode has 锂电池 and 正极, none has 石墨烯.
        assert self.ids(backend, text="锂电池 正极 石墨烯") == self.pks(corpus, "cathode")
        ranked = backend.search(SearchQuery(text="电池 芯片 毫伏")).ids
        assert ranked[0] == corpus["bms"].pk  # all three

    def test_a_relaxed_search_needs_one_term(self, backend, corpus):
        assert self.ids(backend, text="镁合金 光伏") == set()
        assert self.ids(backend, text="镁合金 光伏", relaxed=True) == self.pks(corpus, "implant", "solar")

    def test_synonyms_are_marked_in_the_highlights(self, backend, corpus):
        hit = backend.search(SearchQuery(text="锂离子电池")).hits[0]
        assert hit.highlight["title"] == "高能量密度<mark>锂电池</mark>正极材料"

    # Filters

    @pytest.mark.parametrize(
        "filters, keys",
        [
            ({"province": ("310000",)}, ["cathode", "solar"]),
            ({"province": ("310000", "340000")}, ["cathode", "solar", "implant"]),
            ({"city": ("320100",)}, ["bms", "quantum"]),
            ({"field": ("new-energy",)}, ["cathode", "solar"]),
            ({"kind": ("patent",)}, ["cathode", "vision", "implant", "solar"]),
            ({"deal_mode": ("assignment",)}, ["cathode", "implant"]),
            ({"deal_mode": ("pay_later", "equity")}, ["bms", "quantum"]),
            ({"open_licence": ("1",)}, ["cathode", "solar"]),
            ({"pay_later": ("1",)}, ["bms"]),
            ({"trl_band": ("7-9",)}, ["bms", "solar"]),
            ({"trl_band": ("1-3",)}, ["quantum"]),
            ({"price_band": ("negotiable",)}, ["implant"]),
            ({"price_band": ("lt100k",)}, ["cathode", "solar"]),
            ({"price_band": ("100k-500k",)}, ["bms"]),
            ({"price_band": ("2m-10m", "gte10m")}, ["vision", "quantum"]),
            ({"org_kind": ("institute",)}, ["bms", "solar"]),
            ({"ipc": ("C",)}, ["implant"]),
            ({"ipc": ("H", "G")}, ["cathode", "vision", "solar"]),
            ({"province": ("310000",), "open_licence": ("1",), "trl_band": ("7-9",)}, ["solar"]),
            ({"province": ("330000",), "kind": ("software",)}, []),
        ],
    )
    def test_filters(self, backend, corpus, filters, keys):
        assert self.ids(backend, filters=filters) == self.pks(corpus, *keys)

    def test_words_and_filters_together(self, backend, corpus):
        assert self.ids(backend, text="电池", filters={"province": ("310000",)}) == self.pks(corpus, "cathode", "solar")

    def test_published_after(self, backend, corpus):
        after = corpus["solar"].published_at - timedelta(seconds=1)
        assert self.ids(backend, published_after=after) == self.pks(corpus, "solar", "quantum")
        assert self.ids(backend, published_after=corpus["solar"].published_at) == self.pks(corpus, "quantum")

    # Facets

    @staticmethod
    def database_counts(listings) -> dict[str, Counter]:
        """Each facet's counts, from the listings' rows as the database has them."""
        counts = {name: Counter() for name in LISTING_FACETS}
        for listing in listings:
            terms = list(listing.deal_terms.all())
            prices = [term.price for term in terms if term.price is not None]
            counts["province"][listing.province] += 1
            counts["city"][listing.city] += 1
            counts["field"][listing.field.slug] += 1
            counts["kind"][listing.kind] += 1
            counts["org_kind"][listing.organisation.kind] += 1
            counts["trl_band"][trl_band(listing.trl)] += 1
            counts["price_band"][price_band(min(prices) if prices else None)] += 1
            for mode in {term.mode for term in terms}:
                counts["deal_mode"][mode] += 1
        return counts

    @pytest.mark.parametrize(
        "query",
        [
            {},
            {"text": "电池"},
            {"filters": {"province": ("310000", "320000")}},
            {"text": "材料", "filters": {"open_licence": ("1",)}},
        ],
    )
    def test_facet_counts_equal_the_databases(self, backend, corpus, query):
        result = backend.search(SearchQuery(facets=LISTING_FACETS, page_size=50, **query))
        matched = Listing.objects.filter(pk__in=result.ids).select_related("organisation", "field")
        assert len(result.ids) == result.total
        expected = self.database_counts(matched)
        for name in set(query.get("filters", {})) & set(LISTING_FACETS):  # counted without its own filter
            others = {key: values for key, values in query["filters"].items() if key != name}
            wider = backend.search(SearchQuery(page_size=50, **{**query, "filters": others}))
            expected[name] = self.database_counts(Listing.objects.filter(pk__in=wider.ids))[name]
        assert {name: dict(buckets) for name, buckets in result.facets.items()} == {
            name: dict(counter) for name, counter in expected.items()
        }
        for buckets in result.facets.values():  # largest first
            assert [count for _value, count in buckets] == sorted((count for _value, count in buckets), reverse=True)

    def test_a_chosen_value_keeps_the_other_values_of_its_facet_with_their_counts(self, backend, corpus):
        result = backend.search(
            SearchQuery(filters={"province": ("310000",)}, facets=("province", "kind"), page_size=50)
        )
        assert result.total == 2
        # The province facet is counted as if no province were chosen: 江苏省 is still offered with its 2.
        assert dict(result.facets["province"]) == {"310000": 2, "320000": 2, "330000": 1, "340000": 1}
        # The other facets count the two Shanghai listings only.
        assert sum(count for _value, count in result.facets["kind"]) == 2

    def test_facets_are_counted_over_every_match_not_one_page(self, backend, corpus):
        result = backend.search(SearchQuery(facets=("province",), page_size=1))
        assert len(result.ids) == 1
        assert dict(result.facets["province"]) == {"310000": 2, "320000": 2, "330000": 1, "340000": 1}

    # Order and pages

    def test_newest_first_without_words(self, backend, corpus):
        newest = [listing.pk for listing in reversed(corpus.values())]
        assert backend.search(SearchQuery(page_size=50)).ids == newest
        assert backend.search(SearchQuery(sort="newest", text="电池")).ids == [
            corpus["solar"].pk,
            corpus["bms"].pk,
            corpus["cathode"].pk,
        ]

    def test_price_orders_put_negotiable_last(self, backend, corpus):
        cheapest = backend.search(SearchQuery(sort="price", page_size=50)).ids
        assert cheapest[0] == corpus["solar"].pk  # free
        assert cheapest[1:] == [corpus[key].pk for key in ("cathode", "bms", "vision", "quantum", "implant")]
        dearest = backend.search(SearchQuery(sort="-price", page_size=50)).ids
        assert dearest == [corpus[key].pk for key in ("quantum", "vision", "bms", "cathode", "solar", "implant")]

    def test_pages_cover_every_match_once(self, backend, corpus):
        seen = []
        for page in (1, 2, 3):
            result = backend.search(SearchQuery(sort="newest", page=page, page_size=2))
            assert result.total == 6
            seen += result.ids
        assert seen == [listing.pk for listing in reversed(corpus.values())]
        assert backend.search(SearchQuery(page=4, page_size=2)).ids == []

    # Highlighting

    def test_matched_words_are_marked_in_title_and_summary(self, backend, corpus):
        hit = backend.search(SearchQuery(text="锂电池 循环")).hits[0]
        assert hit.id == corpus["cathode"].pk
        assert hit.highlight["title"] == "高能量密度<mark>锂电池</mark>正极材料"
        assert "<mark>循环</mark>寿命" in hit.highlight["summary"]

    def test_a_latin_word_is_marked_whatever_its_case(self, backend, corpus):
        hit = backend.search(SearchQuery(text="battery")).hits[0]
        assert "<mark>BATTERY</mark>" in hit.highlight["title_en"]

    def test_highlights_are_escaped_html(self, backend, corpus):
        listing = corpus["bms"]
        Listing.objects.filter(pk=listing.pk).update(title_zh="电池<script>alert(1)</script>芯片")
        backend.index(LISTINGS, listing_documents(Listing.objects.filter(pk=listing.pk)))
        title = backend.search(SearchQuery(text="芯片")).hits[0].highlight["title"]
        assert "<script>" not in title
        assert "&lt;script&gt;" in title and "<mark>芯片</mark>" in title

    def test_no_highlight_when_not_asked(self, backend, corpus):
        assert backend.search(SearchQuery(text="电池", highlight=False)).hits[0].highlight == {}

    # Upkeep

    def test_a_deleted_document_is_no_longer_found(self, backend, corpus):
        backend.delete(LISTINGS, [corpus["bms"].pk, 999_999])
        assert self.ids(backend, text="电池") == self.pks(corpus, "cathode", "solar")
        assert backend.ids(LISTINGS) == self.pks(corpus, *CORPUS) - self.pks(corpus, "bms")

    def test_an_updated_document_is_found_by_its_new_words_only(self, backend, corpus):
        listing = corpus["quantum"]
        listing_services.listing_update(
            actor=None,
            listing=listing,
            patents=[],
            terms=[Term("pay_later", None)],
            title_zh="钙钛矿太阳能电池",
            summary_zh=listing.summary_zh,
            trl=listing.trl,
            contact_name=listing.contact_name,
            contact_email=listing.contact_email,
            field=TechnologyField.objects.get(slug="new-energy"),
            kind=listing.kind,
        )
        backend.index(LISTINGS, listing_documents(Listing.objects.filter(pk=listing.pk)))
        assert listing.pk in self.ids(backend, text="太阳能")
        assert listing.pk not in self.ids(backend, text="量子点")
        assert listing.pk in self.ids(backend, filters={"pay_later": ("1",), "field": ("new-energy",)})
        assert len(backend.ids(LISTINGS)) == 6  # replaced, not added

    # Likeness

    def test_more_like_this_finds_related_listings_and_never_itself(self, backend, corpus):
        similar = backend.more_like_this(LISTINGS, corpus["cathode"].pk, field="new-energy", limit=3)
        assert corpus["cathode"].pk not in similar
        assert similar and similar[0] in self.pks(corpus, "bms", "solar")
        assert backend.more_like_this(LISTINGS, 999_999) == []

    def test_like_text_matches_a_demands_problem(self, backend, corpus):
        found = backend.like_text(LISTINGS, "我们需要一种提高锂电池正极材料循环寿命的技术", field="new-energy", limit=3)
        assert found[0] == corpus["cathode"].pk

    # Demands

    def test_demands_have_their_own_index(self, backend, corpus, organisation):
        demand = demand_create(
            actor=None,
            organisation=organisation,
            title="寻求电池回收技术",
            problem="每年退役动力电池五千吨，需要低成本的回收工艺。",
            field=TechnologyField.objects.get(slug="new-energy"),
            budget=None,
            deadline=timezone.localdate() + timedelta(days=30),
        )
        backend.index(DEMANDS, demand_documents(Demand.objects.filter(pk=demand.pk)))
        found = backend.search(SearchQuery(index=DEMANDS, text="回收", facets=("province", "field", "status")))
        assert found.ids == [demand.pk]
        assert dict(found.facets["field"]) == {"new-energy": 1}
        assert self.ids(backend, text="回收") == set()  # not among the listings
