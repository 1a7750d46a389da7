"""The Elasticsearch backend: the same documents, queries and answers as the embedded tantivy index.

Analysis. As in tantivy, each document gets four analysed fields built in
Python: ``title`` and ``body`` hold only the Chinese runs of the text
(``analysis.han_text``), ``title_words`` and ``body_words`` all of it, cut
into lower-cased Latin words and numbers (a pattern tokenizer with tantivy's
character class). With ``ELASTICSEARCH_ANALYZER = "cjk"`` (the default) the
Chinese fields are analysed by the chain of the built-in ``cjk`` analyzer
(standard tokenizer, ``cjk_width``, ``lowercase``, ``cjk_bigram``), rebuilt as
two custom analyzers:

- ``cjk_index`` (indexing) keeps every single character beside the pairs
  (``cjk_bigram`` with ``output_unigrams``), like tantivy's ``ngram(1, 2)``;
- ``cjk_search`` (searching) makes pairs only, and a lone character stays
  itself.

So a query term of two or more characters must match all its pairs (电池
inside 锂电池), and a one-character term finds the documents that contain
that character, exactly ``Term.grams`` of ``search.analysis``. Neither has the
built-in analyzer's English stop words, which tantivy does not have either
(and "IT" is a word in this market). ``"smartcn"`` and ``"ik_max_word"`` use
those plugins' analyzers instead (IK searches with ``ik_smart``); they cut
words, not pairs, so single characters find less there.

Queries. The text is understood by ``understanding.understand``, as for
tantivy: each term is a ``combined_fields`` query over the title (boost 3)
and the body, with operator ``and`` (each of its pairs in one of them) or, in
a relaxed search, ``minimum_should_match`` of its pairs; each phrase of
``Understood.phrases`` (a term whole, the terms near each other) is a
``should`` clause, a ``match_phrase`` on the title and one on the summary
(a field of its own, analysed as the title), boosted as in tantivy, so
that pairs in a row rank above the same pairs scattered; a term with
synonyms is a ``bool`` of its alternatives (one is enough); several terms
are a ``bool`` needing ``required`` of them when not all are needed; a
place named beside other words is a ``should`` clause (its ``province`` or
``city`` term boosted), never a filter. Synonyms apply at query time, so a
change needs no reindex. Filters,
flags and ``published_after`` are filter clauses; facets are ``terms``
aggregations over the same query. A negotiable price (no price) sorts last
both ways (``missing: _last``). Highlights come from Elasticsearch's unified
highlighter, HTML-escaped, with ``<mark>`` around the matches.

Indexes. Each kind of document (``listings``, ``demands``) is an alias,
``<prefix>-listings``, over one concrete index ``<prefix>-listings-<time>``.
``rebuild`` fills a new concrete index, then moves the alias in one atomic
``update_aliases`` call and drops the old index: searches never see a
half-built index. Writes go through the alias (``require_alias``, so a
missing alias is an error, never an index made with a guessed mapping).

The request bodies, the mapping, the parsing of answers and the connection
options are plain functions of plain values, tested as dicts without a
cluster; the class only sends them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers
from elasticsearch.dsl import (
    Boolean,
    Double,
    Index,
    Keyword,
    Long,
    Mapping,
    Q,
    Search,
    Text,
    analyzer,
    token_filter,
    tokenizer,
)
from elasticsearch.helpers import BulkIndexError, ScanError

from .. import analysis, understanding
from ..documents import microseconds
from ..query import INDEXES, LISTING_FLAGS, NEWEST, PRICE_ASC, PRICE_DESC, RELEVANCE, Hit, SearchQuery, SearchResult
from . import SearchBackend, SearchUnavailable

KEYWORDS = ("province", "city", "field", "kind", "deal_mode", "ipc", "trl_band", "price_band", "org_kind", "status")
DISPLAY = ("title_zh", "title_en", "summary_zh", "summary_en")
TITLE_BOOST = 3
FACET_SIZE = 200
LIKE_FIELDS = ("title", "body", "title_words", "body_words")
MAX_QUERY_TERMS = 200  # as tantivy's: enough for every pair of a title and summary
SAME_FIELD_BOOST = 5
# Writes and index administration may take longer than a search is allowed to.
WRITE_TIMEOUT = 60.0
ERRORS = (ApiError, TransportError, BulkIndexError, ScanError)

CJK_INDEX = analyzer(
    "cjk_index",
    tokenizer="standard",
    filter=["cjk_width", "lowercase", token_filter("cjk_pairs_and_chars", "cjk_bigram", output_unigrams=True)],
)
CJK_SEARCH = analyzer("cjk_search", tokenizer="standard", filter=["cjk_width", "lowercase", "cjk_bigram"])
# Runs of Latin letters and digits, lower-cased: tantivy's "words" tokenizer ([\p{Latin}\p{N}]+), in Java's spelling.
LATIN_WORDS = analyzer(
    "latin_words",
    tokenizer=tokenizer("latin_words", "pattern", pattern=r"[\p{IsLatin}\p{N}]+", group=0),
    filter=["lowercase"],
)
# ELASTICSEARCH_ANALYZER -> (analyzer at indexing, analyzer at search) of the Chinese fields.
ANALYZERS = {
    "cjk": (CJK_INDEX, CJK_SEARCH),
    "smartcn": ("smartcn", "smartcn"),
    "ik_max_word": ("ik_max_word", "ik_smart"),
}
# Highlighted field -> (key in Hit.highlight, fragment size or None for the whole field, text shown without a match).
HIGHLIGHTS = {
    "title_zh": ("title", None, 200),
    "summary_zh": ("summary", 160, 160),
    "title_en": ("title_en", None, 200),
    "summary_en": ("summary_en", 240, 240),
}


# Names


def alias_name(prefix: str, index: str) -> str:
    if index not in INDEXES:
        raise ValueError(f"unknown index {index!r}")
    return f"{prefix}-{index}"


def concrete_name(alias: str, moment: datetime | None = None) -> str:
    """A new concrete index behind ``alias``, named by the time it was made (to the microsecond)."""
    return f"{alias}-{(moment or datetime.now(UTC)).strftime('%Y%m%d%H%M%S%f')}"


def bootstrap_name(alias: str) -> str:
    """The concrete index made when a write finds no alias: a fixed name, so two processes cannot make two."""
    return f"{alias}-initial"


# Connection


def connection_options(
    *, url: str, api_key: str = "", username: str = "", password: str = "", ca_certs: str = "", timeout: float = 2.0
) -> dict:
    """Keyword arguments for ``Elasticsearch()``: the nodes, the credentials, the CA bundle and the timeout."""
    hosts = [part.strip() for part in url.split(",") if part.strip()]
    if not hosts:
        raise ImproperlyConfigured("ELASTICSEARCH_URL must be set to use the Elasticsearch backend.")
    if api_key and username:
        raise ImproperlyConfigured("Set ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME, not both.")
    if timeout <= 0:
        raise ImproperlyConfigured("ELASTICSEARCH_TIMEOUT must be a positive number of seconds.")
    # A timed-out search is not tried again: the page answers from the database instead.
    options = {"hosts": hosts, "request_timeout": timeout, "max_retries": 1, "retry_on_timeout": False}
    if api_key:
        options["api_key"] = api_key
    if username:
        options["basic_auth"] = (username, password)
    if ca_certs:
        options["ca_certs"] = ca_certs
    return options


def settings_options() -> dict:
    return connection_options(
        url=settings.ELASTICSEARCH_URL,
        api_key=settings.ELASTICSEARCH_API_KEY,
        username=settings.ELASTICSEARCH_USERNAME,
        password=settings.ELASTICSEARCH_PASSWORD,
        ca_certs=settings.ELASTICSEARCH_CA_CERTS,
        timeout=settings.ELASTICSEARCH_TIMEOUT,
    )


def public_url(url: str) -> str:
    """A URL without the password it may carry, for messages and ``search_status``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, f"{parts.username}:***@{host}", parts.path, parts.query, parts.fragment))


# The index


def index_body(analyzer_name: str = "cjk", *, loading: bool = False) -> dict:
    """Settings and mapping of a concrete index; ``loading`` turns refreshes off while a rebuild fills it."""
    try:
        han_index, han_search = ANALYZERS[analyzer_name]
    except KeyError:
        raise ImproperlyConfigured(
            f"ELASTICSEARCH_ANALYZER must be one of {', '.join(ANALYZERS)}, not {analyzer_name!r}"
        ) from None
    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("id", Long())
    for name in ("title", "body"):
        mapping.field(name, Text(analyzer=han_index, search_analyzer=han_search))
        mapping.field(f"{name}_words", Text(analyzer=LATIN_WORDS))
    # The summary's Chinese alone, for its phrases (with positions, as every text field); found through the body.
    mapping.field("summary", Text(analyzer=han_index, search_analyzer=han_search))
    # Kept for highlighting only; offsets in the postings spare the highlighter analysing them again.
    for name in ("title_zh", "summary_zh"):
        mapping.field(name, Text(analyzer=han_index, search_analyzer=han_search, index_options="offsets"))
    for name in ("title_en", "summary_en"):
        mapping.field(name, Text(analyzer=LATIN_WORDS, index_options="offsets"))
    for name in KEYWORDS:
        mapping.field(name, Keyword())
    for name in LISTING_FLAGS:
        mapping.field(name, Boolean())
    mapping.field("price", Double())
    # Microseconds since 1970, as in tantivy: published_after compares to the microsecond.
    mapping.field("published", Long())
    index = Index("unused")
    # One shard: exact facet counts and the same term statistics for every document (100,000s, not billions).
    index.settings(number_of_shards=1, **({"refresh_interval": "-1"} if loading else {}))
    index.mapping(mapping)
    return index.to_dict()


def source(doc: dict) -> dict:
    """The Elasticsearch document for a document of ``search.documents``."""
    body = {"id": doc["id"], **{name: doc.get(name) or "" for name in DISPLAY}, **analysis.text_fields(doc)}
    for name in KEYWORDS:
        if doc.get(name):
            body[name] = doc[name]
    for name in LISTING_FLAGS:
        if name in doc:
            body[name] = bool(doc[name])
    if doc.get("price") is not None:
        body["price"] = float(doc["price"])
    body["published"] = microseconds(doc["published"])
    return body


def bulk_actions(target: str, docs: Iterable[dict], progress: Callable[[int], None] | None = None) -> Iterator[dict]:
    for doc in docs:
        yield {"_op_type": "index", "_index": target, "_id": str(doc["id"]), "_source": source(doc)}
        if progress:
            progress(1)


def delete_actions(target: str, ids: Iterable[int]) -> Iterator[dict]:
    for id in ids:
        yield {"_op_type": "delete", "_index": target, "_id": str(id)}


def alias_actions(alias: str, new: str, old: Iterable[str]) -> list[dict]:
    """One ``update_aliases`` call: the alias leaves the old indexes and reaches the new one at the same moment."""
    actions = [{"remove": {"index": name, "alias": alias}} for name in sorted(old) if name != new]
    return [*actions, {"add": {"index": new, "alias": alias}}]


# Searching


def _term_query(term: analysis.Term, needed: int) -> Q:
    """A term is found when ``needed`` of its pairs (all, or most in a relaxed search), or its word, are, each in
    the title (weighted) or the body."""
    title, body = ("title", "body") if term.cjk else ("title_words", "body_words")
    fields = [f"{title}^{TITLE_BOOST}", body]
    count = len(term.grams)
    if needed >= count:
        return Q("combined_fields", query=term.text, fields=fields, operator="and")
    return Q("combined_fields", query=term.text, fields=fields, operator="or", minimum_should_match=str(needed))


def _clause_query(clause: understanding.Clause, understood: understanding.Understood) -> Q:
    """One term: any of its alternatives (synonyms) or, for a place, that place's documents (weighted)."""
    options = [_term_query(term, understood.gram_minimum(term)) for term in clause.alternatives]
    options += [
        Q("term", **{field: {"value": code, "boost": understanding.PLACE_BOOST}}) for field, code in clause.places
    ]
    return options[0] if len(options) == 1 else Q("bool", should=options, minimum_should_match=1)


def _phrase_queries(phrase: understanding.Phrase) -> list[Q]:
    """The phrase in the title and in the summary, each boosted.

    The query's text is analysed into the same pairs as the documents, but without the pair across two terms
    (钙钛矿 电池 has no 矿电): each space between terms takes one more position of slop.
    """
    slop = phrase.slop + phrase.text.count(" ") if phrase.slop else 0
    return [
        Q("match_phrase", **{field: {"query": phrase.text, "slop": slop, "boost": boost}})
        for field, boost in (
            ("title", understanding.TITLE_PHRASE_BOOST),
            ("summary", understanding.SUMMARY_PHRASE_BOOST),
        )
    ]


def _text_queries(understood: understanding.Understood) -> tuple[list[Q], list[Q]]:
    """The must clauses of the words (each term, or ``required`` of them when not all are needed) and the should
    clauses of the places named beside them and of the phrases (boosts)."""
    clauses = [_clause_query(clause, understood) for clause in understood.needed]
    boosts = [_clause_query(clause, understood) for clause in understood.boosts]
    boosts += [query for phrase in understood.phrases for query in _phrase_queries(phrase)]
    if understood.required >= len(clauses):
        return clauses, boosts
    return [Q("bool", should=clauses, minimum_should_match=understood.required)], boosts


def _highlight_query(field: str, terms: list[analysis.Term]) -> dict:
    """The terms as phrases: 锂电池 is marked where its pairs follow each other, not 锂电 alone (as tantivy marks)."""
    return Q("bool", should=[Q("match_phrase", **{field: term.text}) for term in terms]).to_dict()


def _filter(name: str, values) -> Q | None:
    if name in LISTING_FLAGS:
        return Q("term", **{name: True})
    return Q("terms", **{name: list(values)}) if values else None


def _filters(query: SearchQuery) -> list[Q]:
    """The query's filters but those of its disjunctive facets, which go in the ``post_filter``: applied to the hits
    after the aggregations, so each facet is counted without its own filter (and with the others)."""
    clauses = []
    if query.published_after is not None:
        clauses.append(Q("range", published={"gt": microseconds(query.published_after)}))
    for name, values in query.filters.items():
        if name not in query.disjunctive and (clause := _filter(name, values)) is not None:
            clauses.append(clause)
    return clauses


def _facet_filters(query: SearchQuery, *, but: str = "") -> list[dict]:
    return [_filter(name, query.filters[name]).to_dict() for name in query.disjunctive if name != but]


def _sort(query: SearchQuery) -> list:
    """The order asked for; ties newest first, then by id, as the database orders them."""
    sort = query.effective_sort
    ties = [{"published": {"order": "desc"}}, {"id": {"order": "desc"}}]
    if sort == NEWEST:
        return ties
    if sort == PRICE_ASC:
        return [{"price": {"order": "asc", "missing": "_last"}}, *ties]
    if sort == PRICE_DESC:
        return [{"price": {"order": "desc", "missing": "_last"}}, *ties]
    return ["_score", *ties]


def search_body(query: SearchQuery) -> dict:
    """The request body of a search: text, filters, facets, order, page and highlights."""
    understood = understanding.understand(query.text, relaxed=query.relaxed)
    terms = understood.terms
    (must, should), filters = _text_queries(understood), _filters(query)
    if must or filters:
        parts = {"must": must} if must else {}
        if should:
            parts["should"] = should
        if filters:
            parts["filter"] = filters
        es_query = Q("bool", **parts)
    else:
        es_query = Q("match_all")
    search = Search().query(es_query).sort(*_sort(query)).source(False)
    search = search.extra(from_=query.offset, size=query.page_size, track_total_hits=True)
    if query.effective_sort == RELEVANCE:  # with an explicit sort, scores come back only when asked for
        search = search.extra(track_scores=True)
    aggregations = {}
    for name in query.facets:
        terms_agg = {"terms": {"field": name, "size": FACET_SIZE}}
        others = _facet_filters(query, but=name)
        aggregations[name] = (
            {"filter": {"bool": {"filter": others}}, "aggs": {name: terms_agg}} if others else terms_agg
        )
    if aggregations:
        search = search.extra(aggs=aggregations)
    if query.disjunctive:
        search = search.extra(post_filter={"bool": {"filter": _facet_filters(query)}})
    if query.highlight and terms:
        search = search.highlight_options(type="unified", encoder="html", pre_tags=["<mark>"], post_tags=["</mark>"])
        for field, (_key, size, shown) in HIGHLIGHTS.items():
            fragments = (
                {"number_of_fragments": 0} if size is None else {"number_of_fragments": 1, "fragment_size": size}
            )
            search = search.highlight(
                field, highlight_query=_highlight_query(field, terms), no_match_size=shown, **fragments
            )
    return search.to_dict()


def _marked(fragments: list[str]) -> str:
    # Neighbouring pairs (锂电, 电池) come back as neighbouring marks: one mark, as tantivy's highlights have.
    # Lucene's encoder writes "/" as "&#x2F;"; Django's escape leaves it.
    return "…".join(fragments).replace("</mark><mark>", "").replace("&#x2F;", "/")


def _highlights(found: dict) -> dict[str, str]:
    marked = dict.fromkeys(("title", "summary"), "")
    for field, (key, _size, _shown) in HIGHLIGHTS.items():
        if found.get(field):
            marked[key] = _marked(found[field])
    return marked


def parse_response(query: SearchQuery, response: dict, *, took_ms: float | None = None) -> SearchResult:
    """A search's answer as a SearchResult; a partial answer (shards failed, timed out) is no answer."""
    shards = response.get("_shards", {})
    if response.get("timed_out") or shards.get("failed"):
        raise SearchUnavailable(f"partial answer from Elasticsearch: {shards.get('failures') or 'timed out'}")
    by_score = query.effective_sort == RELEVANCE
    marking = query.highlight and bool(analysis.query_terms(query.text))
    hits = [
        Hit(
            id=int(hit["_id"]),
            score=float(hit.get("_score") or 0.0) if by_score else 0.0,
            highlight=_highlights(hit.get("highlight", {})) if marking else {},
        )
        for hit in response["hits"]["hits"]
    ]
    total = response["hits"]["total"]
    aggregations = response.get("aggregations", {})
    facets = {}
    for name in query.facets:
        answer = aggregations.get(name, {})
        answer = answer.get(name, answer)  # a disjunctive count nests its terms under a filter of the others
        facets[name] = [(bucket["key"], bucket["doc_count"]) for bucket in answer.get("buckets", [])]
    return SearchResult(
        hits=hits,
        total=total["value"] if isinstance(total, dict) else int(total),
        facets=facets,
        took_ms=float(response.get("took", 0)) if took_ms is None else took_ms,
    )


def like_body(like: dict, *, size: int, field: str = "") -> dict:
    """A more-like-this search: documents sharing the most telling pairs and words with ``like``.

    As tantivy's: every term counts from its first occurrence, and one shared term is enough to be a candidate
    (Elasticsearch would otherwise ask for 30% of them); the ranking does the rest.
    """
    mlt = Q(
        "more_like_this",
        fields=list(LIKE_FIELDS),
        like=[like],
        min_term_freq=1,
        min_doc_freq=1,
        max_query_terms=MAX_QUERY_TERMS,
        minimum_should_match=1,
        include=False,
    )
    if field:  # those of the same technology field first, as tantivy's
        mlt = Q("bool", should=[mlt, Q("term", field={"value": field, "boost": SAME_FIELD_BOOST})])
    return Search().query(mlt).source(False).extra(size=size).to_dict()


def like_document(alias: str, id: int) -> dict:
    return {"_index": alias, "_id": str(id)}


def like_text_document(alias: str, text: str) -> dict:
    """An artificial document holding the text as its body, each field analysed as indexed documents' are."""
    fields = analysis.text_fields({"summary_zh": text})
    return {"_index": alias, "doc": {"body": fields["body"], "body_words": fields["body_words"]}}


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, *, prefix: str = "techmarket", analyzer_name: str = "cjk", url: str = ""):
        index_body(analyzer_name)  # refuses an unknown analyzer now, not at the first rebuild
        self.client = client
        self.url = url
        self.prefix = prefix
        self.analyzer_name = analyzer_name
        self._ready: set[str] = set()

    @classmethod
    def from_settings(cls) -> ElasticsearchBackend:
        return cls(
            Elasticsearch(**settings_options()),
            prefix=settings.ELASTICSEARCH_INDEX_PREFIX,
            analyzer_name=settings.ELASTICSEARCH_ANALYZER,
            url=settings.ELASTICSEARCH_URL,
        )

    def __repr__(self) -> str:
        urls = ", ".join(public_url(url.strip()) for url in self.url.split(",") if url.strip())
        return f"Elasticsearch at {urls or 'a given client'}, aliases {self.prefix}-*, {self.analyzer_name} analysis"

    def close(self) -> None:
        self.client.close()

    def alias(self, index: str) -> str:
        return alias_name(self.prefix, index)

    def _writer(self) -> Elasticsearch:
        return self.client.options(request_timeout=WRITE_TIMEOUT)

    def _ensure(self, index: str) -> str:
        """The alias of an index, with a first concrete index behind it if there was none."""
        alias = self.alias(index)
        if alias in self._ready:
            return alias
        writer = self._writer()
        if not writer.indices.exists_alias(name=alias):
            body = {**index_body(self.analyzer_name), "aliases": {alias: {}}}
            try:
                writer.indices.create(index=bootstrap_name(alias), body=body)
            except ApiError as error:
                if error.error != "resource_already_exists_exception":  # another process made it first
                    raise
        self._ready.add(alias)
        return alias

    def _unavailable(self, doing: str, error: Exception) -> SearchUnavailable:
        return SearchUnavailable(f"Elasticsearch failed {doing}: {error}")

    # Writing

    def index(self, index: str, docs: Iterable[dict]) -> int:
        try:
            alias = self._ensure(index)
            # Refreshed at once: like tantivy's commit, what was written is found by the next search.
            count, _errors = helpers.bulk(self._writer(), bulk_actions(alias, docs), require_alias=True, refresh=True)
        except ERRORS as error:
            raise self._unavailable(f"to index into {index}", error) from error
        return count

    def delete(self, index: str, ids: Iterable[int]) -> None:
        try:
            alias = self._ensure(index)
            helpers.bulk(
                self._writer(), delete_actions(alias, ids), require_alias=True, refresh=True, ignore_status=(404,)
            )
        except ERRORS as error:
            raise self._unavailable(f"to remove documents of {index}", error) from error

    def rebuild(self, docs: dict[str, Iterable[dict]], *, progress: Callable[[int], None] | None = None) -> dict:
        """Each index built anew beside the old one, then the alias moved: searches see the old one until then."""
        counts = {}
        for index, documents in docs.items():
            alias, writer = self.alias(index), self._writer()
            new = concrete_name(alias)
            try:
                writer.indices.create(index=new, body=index_body(self.analyzer_name, loading=True))
                try:
                    counts[index], _errors = helpers.bulk(writer, bulk_actions(new, documents, progress))
                    writer.indices.put_settings(index=new, settings={"index": {"refresh_interval": None}})
                    writer.indices.refresh(index=new)
                    old = self._behind(alias)
                    writer.indices.update_aliases(actions=alias_actions(alias, new, old))
                except BaseException:
                    with suppress(*ERRORS):  # the error that stopped the rebuild is the one to report
                        writer.indices.delete(index=new, ignore_unavailable=True)
                    raise
                for name in old:
                    if name != new:
                        writer.indices.delete(index=name, ignore_unavailable=True)
            except ERRORS as error:
                raise self._unavailable(f"to rebuild {index}", error) from error
            self._ready.add(alias)
        return counts

    def drop(self) -> None:
        """Delete the indexes behind this prefix's aliases (the contract tests clean up with it)."""
        try:
            for index in INDEXES:
                alias = self.alias(index)
                for name in self._behind(alias):
                    self._writer().indices.delete(index=name, ignore_unavailable=True)
                self._ready.discard(alias)
        except ERRORS as error:
            raise self._unavailable("to drop the indexes", error) from error

    def _behind(self, alias: str) -> list[str]:
        """The concrete indexes an alias points to now (none if it does not exist yet)."""
        try:
            return sorted(self._writer().indices.get_alias(name=alias).body)
        except NotFoundError:
            return []

    # Reading

    def ids(self, index: str) -> set[int]:
        query = {"query": {"match_all": {}}, "_source": False}
        try:
            return {int(hit["_id"]) for hit in helpers.scan(self._writer(), query=query, index=self.alias(index))}
        except NotFoundError:
            return set()
        except ERRORS as error:
            raise self._unavailable(f"to list the ids of {index}", error) from error

    def _search(self, index: str, body: dict) -> dict:
        try:
            return self.client.search(index=self.alias(index), body=body, ignore_unavailable=True).body
        except ERRORS as error:
            raise self._unavailable(f"to search {index}", error) from error

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        response = self._search(query.index, search_body(query))
        return parse_response(query, response, took_ms=(time.perf_counter() - started) * 1000)

    def more_like_this(self, index: str, id: int, *, field: str = "", limit: int = 6) -> list[int]:
        body = like_body(like_document(self.alias(index), id), size=limit + 1, field=field)
        return self._like(index, body, limit=limit, exclude=id)

    def like_text(self, index: str, text: str, *, field: str = "", limit: int = 6) -> list[int]:
        if not (analysis.HAN_RUN.search(text or "") or analysis.LATIN_WORD.search(text or "")):
            return []
        body = like_body(like_text_document(self.alias(index), text), size=limit, field=field)
        return self._like(index, body, limit=limit)

    def _like(self, index: str, body: dict, *, limit: int, exclude: int | None = None) -> list[int]:
        hits = self._search(index, body)["hits"]["hits"]
        return [id for id in (int(hit["_id"]) for hit in hits) if id != exclude][:limit]
