"""The embedded backend: a tantivy index per document kind in ``TANTIVY_INDEX_DIR`` (``var/search/``).

Chinese text goes to fields analysed as characters and character pairs
(``ngram(1, 2)``) and Latin words to fields of lower-cased words. The
n-gram tokenizer gives every gram position 0, so phrases are found in two
more fields, of the title and of the summary, holding their character pairs
in order a position each (``analysis.pair_sequence``): a term found whole
there, or the query's terms near each other, ranks above the same pairs
scattered (``Understood.phrases``). Queries
are built from ``understanding.understand`` (terms, synonyms, places, how
many terms and pairs are needed) as term queries, never parsed, so no input
is a syntax error. tantivy allows one writer per index: writes take
a file lock first, so two processes (a web worker and the task worker) wait
for each other instead of failing. Readers reload when a commit lands.

Only a rebuild makes an index on disk. A reader or the upkeep writer that
finds none (the directory missing or empty) raises ``SearchUnavailable``:
an empty index made in its place would look healthy and answer an empty
market, where the pages must fall back to the database and the operator
must see an outage (``search_status --check``) and rebuild.
"""

from __future__ import annotations

import fcntl
import json
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import tantivy
from django.conf import settings

from .. import analysis, understanding
from ..documents import microseconds
from ..query import INDEXES, LISTING_FLAGS, NEWEST, PRICE_ASC, PRICE_DESC, Hit, SearchQuery, SearchResult
from . import SearchBackend, SearchUnavailable

KEYWORDS = ("province", "city", "field", "kind", "deal_mode", "ipc", "trl_band", "price_band", "org_kind", "status")
TITLE_BOOST = 3.0
SAME_FIELD_BOOST = 5.0
FACET_SIZE = 200
# The Chinese text a phrase field holds (of ``analysis.text_fields``) -> the field, with the boost of a phrase in it.
PHRASE_FIELDS = {"title": "title_phrase", "summary": "summary_phrase"}
PHRASE_BOOSTS = {
    "title_phrase": understanding.TITLE_PHRASE_BOOST,
    "summary_phrase": understanding.SUMMARY_PHRASE_BOOST,
}
WRITER_HEAP = 128_000_000
# Negotiable prices sort after every price, cheapest first or dearest first.
NO_PRICE_UP, NO_PRICE_DOWN = 1e18, -1.0
# tantivy's record of an index's segments, written by its first commit: a directory without it holds no index
# (tantivy's own ``Index.exists`` asks the same). One stat, cheap enough to ask before every search.
META_FILE = "meta.json"


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_bytes_field("stored", stored=True)  # the display fields, as JSON, for highlights and likeness
    for name in ("title", "body"):
        builder.add_text_field(name, tokenizer_name="cjk", index_option="freq")
        builder.add_text_field(f"{name}_words", tokenizer_name="words", index_option="freq")
    for name in PHRASE_FIELDS.values():
        builder.add_text_field(name, tokenizer_name="pairs", index_option="position")
    for name in KEYWORDS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    for name in LISTING_FLAGS:
        builder.add_boolean_field(name, indexed=True)
    builder.add_float_field("price_up", indexed=False, fast=True)
    builder.add_float_field("price_down", indexed=False, fast=True)
    # Microseconds since 1970, not a date field: tantivy keeps dates to the second, and order must be exact.
    builder.add_integer_field("published", indexed=True, fast=True)
    return builder.build()


def _register_tokenizers(index: tantivy.Index) -> None:
    index.register_tokenizer("cjk", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(1, 2, False)).build())
    words = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(r"[\p{Latin}\p{N}]+"))
    index.register_tokenizer("words", words.filter(tantivy.Filter.lowercase()).build())
    index.register_tokenizer("pairs", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())


def _to_tantivy(doc: dict) -> tantivy.Document:
    # Kept for highlights and more-like-this (which reads the title and summary); the rest is only indexed.
    display = {key: doc[key] for key in ("title_zh", "title_en", "summary_zh", "summary_en")}
    text = analysis.text_fields(doc)
    fields = {"id": doc["id"], "stored": json.dumps(display, ensure_ascii=False).encode(), **text}
    for source, name in PHRASE_FIELDS.items():
        fields[name] = analysis.pair_sequence(text[source])
    del fields["summary"]  # found through the body; only its phrase field is indexed
    for name in KEYWORDS:
        value = doc.get(name)
        if value:
            fields[name] = value if isinstance(value, list) else [value]
    for name in LISTING_FLAGS:
        if name in doc:
            fields[name] = bool(doc[name])
    price = doc.get("price")
    fields["price_up"] = NO_PRICE_UP if price is None else float(price)
    fields["price_down"] = NO_PRICE_DOWN if price is None else float(price)
    fields["published"] = microseconds(doc["published"])
    return tantivy.Document(**fields)


class _Index:
    """One tantivy index on disk, its reader, and the lock that makes its writer single."""

    def __init__(self, path: Path | None, *, replace: bool = False):
        """Open the index at ``path``. Only with ``replace`` (a rebuild) is it made if missing, and one of an
        older schema removed; otherwise a missing index raises ``SearchUnavailable`` (see the module's docstring).

        Without a path the index lives in memory, for this process only (the test run's index).
        """
        self.path = path
        self.schema = _schema()
        self._thread_lock = threading.Lock()
        if path is None:
            self.index = tantivy.Index(self.schema)
            _register_tokenizers(self.index)
            return
        if not replace and not self.present():
            raise SearchUnavailable(f"no index in {path} (missing or empty): run `manage.py rebuild_search_index`.")
        path.mkdir(parents=True, exist_ok=True)
        try:
            self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except ValueError as error:
            if not replace:
                raise SearchUnavailable(f"{path}: {error} Run rebuild_search_index.") from error
            shutil.rmtree(path)
            path.mkdir(parents=True)
            self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        _register_tokenizers(self.index)

    def present(self) -> bool:
        """Whether the index is (still) on disk: a directory deleted or emptied under a running process."""
        return self.path is None or (self.path / META_FILE).is_file()

    @contextmanager
    def writer(self) -> Iterator[tantivy.IndexWriter]:
        """The only writer: one thread of one process at a time; committed and the reader reloaded at the end."""
        with self._thread_lock, self._process_lock():
            writer = self.index.writer(heap_size=WRITER_HEAP, num_threads=1)
            try:
                yield writer
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
        self.index.reload()

    @contextmanager
    def _process_lock(self) -> Iterator[None]:
        """Held while writing: a second process waits here instead of failing on tantivy's own lock."""
        if self.path is None:
            yield
            return
        with open(self.path / "write.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def searcher(self) -> tantivy.Searcher:
        return self.index.searcher()

    def term(self, field: str, value) -> tantivy.Query:
        return tantivy.Query.term_query(self.schema, field, value)


class TantivyBackend(SearchBackend):
    name = "tantivy"

    def __init__(self, path: Path | None):
        self.path = Path(path) if path else None
        self._indexes: dict[str, _Index] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls) -> TantivyBackend:
        return cls(settings.TANTIVY_INDEX_DIR)

    def __repr__(self) -> str:
        return f"tantivy index in {self.path}" if self.path else "tantivy index in memory"

    def _index(self, name: str, *, replace: bool = False) -> _Index:
        """The named index, opened once; ``replace`` (a rebuild) makes it if it is missing, nothing else does."""
        if name not in INDEXES:
            raise ValueError(f"unknown index {name!r}")
        with self._lock:
            opened = self._indexes.get(name)
            if opened is not None and not opened.present():
                # Deleted or emptied since it was opened: the open files would go on answering until a restart
                # and a writer would fail on the missing directory. Open it afresh, which only a rebuild may.
                del self._indexes[name]
                opened = None
            if opened is None:
                opened = self._indexes[name] = _Index(self.path / name if self.path else None, replace=replace)
            return opened

    def close(self) -> None:
        self._indexes.clear()

    # Writing

    def index(self, index: str, docs: Iterable[dict]) -> int:
        target, count = self._index(index), 0
        with target.writer() as writer:
            for doc in docs:
                writer.delete_documents_by_term("id", doc["id"])
                writer.add_document(_to_tantivy(doc))
                count += 1
        return count

    def delete(self, index: str, ids: Iterable[int]) -> None:
        with self._index(index).writer() as writer:
            for id in ids:
                writer.delete_documents_by_term("id", id)

    def rebuild(self, docs: dict[str, Iterable[dict]], *, progress: Callable[[int], None] | None = None) -> dict:
        """Each index emptied and refilled in one commit: searches see the old documents until it lands."""
        counts = {}
        for name, documents in docs.items():
            counts[name] = 0
            with self._index(name, replace=True).writer() as writer:
                writer.delete_all_documents()
                for doc in documents:
                    writer.add_document(_to_tantivy(doc))
                    counts[name] += 1
                    if progress:
                        progress(1)
        return counts

    # Reading

    def ids(self, index: str) -> set[int]:
        return self._every_id(self._index(index).searcher(), tantivy.Query.all_query())

    def matching_ids(self, query: SearchQuery) -> set[int]:
        """The id of every document the search matches, not one page (the bench's recall against a ground truth)."""
        target = self._index(query.index)
        understood = understanding.understand(query.text, relaxed=query.relaxed)
        tantivy_query = self._query(target, understood, query.filters, query.published_after)
        return self._every_id(target.searcher(), tantivy_query)

    @staticmethod
    def _every_id(searcher: tantivy.Searcher, query: tantivy.Query) -> set[int]:
        if not searcher.num_docs:
            return set()
        found = searcher.search(query, limit=searcher.num_docs, count=False).hits
        return set(searcher.fast_field_values("id", [address for _score, address in found]))

    def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        target = self._index(query.index)
        understood = understanding.understand(query.text, relaxed=query.relaxed)
        terms = understood.terms
        tantivy_query = self._query(target, understood, query.filters, query.published_after)
        searcher = target.searcher()
        try:
            found = searcher.search(
                tantivy_query, limit=query.page_size, offset=query.offset, count=True, **self._order(query)
            )
            facets = self._facets(searcher, tantivy_query, tuple(n for n in query.facets if n not in query.disjunctive))
            for name in query.disjunctive:  # counted as if its own filter were not set
                without = self._query(target, understood, query.filters_without(name), query.published_after)
                facets.update(self._facets(searcher, without, (name,)))
            facets = {name: facets[name] for name in query.facets}
        except ValueError as error:
            raise SearchUnavailable(str(error)) from error
        hits, by_score = [], not self._order(query)
        for score, address in found.hits:
            doc = searcher.doc(address)
            highlight = self._highlight(doc, terms) if query.highlight else {}
            hits.append(Hit(id=doc["id"][0], score=float(score) if by_score else 0.0, highlight=highlight))
        took = (time.perf_counter() - started) * 1000
        return SearchResult(hits=hits, total=found.count or 0, facets=facets, took_ms=took)

    def more_like_this(self, index: str, id: int, *, field: str = "", limit: int = 6) -> list[int]:
        target = self._index(index)
        searcher = target.searcher()
        found = searcher.search(target.term("id", id), limit=1).hits
        if not found:
            return []
        display = json.loads(searcher.doc(found[0][1])["stored"][0])
        return self._like(target, {**display, "field": field}, limit=limit, exclude=id)

    def like_text(self, index: str, text: str, *, field: str = "", limit: int = 6) -> list[int]:
        display = {"title_zh": "", "title_en": "", "summary_zh": text, "summary_en": "", "text": "", "field": field}
        return self._like(self._index(index), display, limit=limit)

    # Building queries

    def _query(self, target: _Index, understood: understanding.Understood, filters: dict, after=None) -> tantivy.Query:
        clauses = []
        if understood.clauses:
            clauses.append((tantivy.Occur.Must, self._text_query(target, understood)))
        if after is not None:
            since = microseconds(after) + 1
            newer = tantivy.Query.range_query(target.schema, "published", tantivy.FieldType.Integer, since, 2**62)
            clauses.append((tantivy.Occur.Must, newer))
        for name, values in filters.items():
            if name in LISTING_FLAGS:
                clauses.append((tantivy.Occur.Must, target.term(name, True)))
            elif values:
                any_of = tantivy.Query.term_set_query(target.schema, name, list(values))
                clauses.append((tantivy.Occur.Must, any_of))
        if not clauses:
            return tantivy.Query.all_query()
        if not understood.clauses:  # filters only: every match counts the same, newest first
            clauses.insert(0, (tantivy.Occur.Must, tantivy.Query.all_query()))
        return clauses[0][1] if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)

    def _text_query(self, target: _Index, understood: understanding.Understood) -> tantivy.Query:
        """The query's terms, ``required`` of them at least (the more a document has, the higher it ranks), and
        the places it names as boosts."""
        clauses = [self._clause_query(target, clause, understood) for clause in understood.needed]
        if len(clauses) == 1:
            needed = clauses[0]
        else:
            needed = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, clause) for clause in clauses], minimum_number_should_match=understood.required
            )
        boosts = [self._clause_query(target, clause, understood) for clause in understood.boosts]
        boosts += [self._phrase_query(target, phrase) for phrase in understood.phrases]
        if not boosts:
            return needed
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, needed), *((tantivy.Occur.Should, q) for q in boosts)])

    @staticmethod
    def _phrase_query(target: _Index, phrase: understanding.Phrase) -> tantivy.Query:
        """The phrase's pairs in a row (or near, with its slop) in the title or the summary, each weighted."""
        options = []
        for name, boost in PHRASE_BOOSTS.items():
            if len(phrase.grams) == 1:  # a phrase of one pair is that pair (tantivy's phrases need two terms)
                found = target.term(name, phrase.grams[0][1])
            else:
                found = tantivy.Query.phrase_query(target.schema, name, list(phrase.grams), slop=phrase.slop)
            options.append((tantivy.Occur.Should, tantivy.Query.boost_query(found, boost)))
        return tantivy.Query.boolean_query(options)

    def _clause_query(
        self, target: _Index, clause: understanding.Clause, understood: understanding.Understood
    ) -> tantivy.Query:
        """One term: any of its alternatives (synonyms) or, for a place, that place's listings (weighted)."""
        options = [self._term_query(target, term, understood.gram_minimum(term)) for term in clause.alternatives]
        for field, code in clause.places:
            options.append(tantivy.Query.boost_query(target.term(field, code), understanding.PLACE_BOOST))
        if len(options) == 1:
            return options[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, option) for option in options])

    def _term_query(self, target: _Index, term: analysis.Term, needed: int) -> tantivy.Query:
        """A term is found when ``needed`` of its grams are (all, or most in a relaxed search), each in the title
        (weighted) or the body."""
        title, body = ("title", "body") if term.cjk else ("title_words", "body_words")
        grams = []
        for gram in term.grams:
            in_title = tantivy.Query.boost_query(target.term(title, gram), TITLE_BOOST)
            either = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, in_title), (tantivy.Occur.Should, target.term(body, gram))]
            )
            grams.append((tantivy.Occur.Should, either))
        if len(grams) == 1:
            return grams[0][1]
        return tantivy.Query.boolean_query(grams, minimum_number_should_match=needed)

    @staticmethod
    def _order(query: SearchQuery) -> dict:
        sort = query.effective_sort
        if sort == NEWEST:
            return {"order_by_field": "published", "order": tantivy.Order.Desc}
        if sort == PRICE_ASC:
            return {"order_by_field": "price_up", "order": tantivy.Order.Asc}
        if sort == PRICE_DESC:
            return {"order_by_field": "price_down", "order": tantivy.Order.Desc}
        return {}

    @staticmethod
    def _facets(searcher: tantivy.Searcher, query: tantivy.Query, names: tuple[str, ...]) -> dict:
        if not names:
            return {}
        aggregations = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in names}
        answer = searcher.aggregate(query, aggregations)
        return {
            name: [(bucket["key"], bucket["doc_count"]) for bucket in answer.get(name, {}).get("buckets", [])]
            for name in names
        }

    @staticmethod
    def _highlight(doc: tantivy.Document, terms: list[analysis.Term]) -> dict[str, str]:
        return analysis.highlights(json.loads(doc["stored"][0]), terms)

    @staticmethod
    def _like(target: _Index, display: dict, *, limit: int, exclude: int | None = None) -> list[int]:
        """Documents sharing the most telling terms of a title and summary (character pairs and words),
        those of the same technology field first.

        Single characters are left out: alone they say little about a technology.
        """
        title = f"{display['title_zh']}\n{display['title_en']}"
        summary = f"{display['summary_zh']}\n{display['summary_en']}"
        fields = {
            "title": [analysis.han_text(title)],
            "title_words": [title],
            "body": [analysis.han_text(summary)],
            "body_words": [summary],
        }
        query = tantivy.Query.more_like_this_document_fields_query(
            target.schema, fields, min_doc_frequency=1, min_term_frequency=1, max_query_terms=200, min_word_length=2
        )
        if display.get("field"):
            same_field = tantivy.Query.boost_query(target.term("field", display["field"]), SAME_FIELD_BOOST)
            query = tantivy.Query.boolean_query([(tantivy.Occur.Should, query), (tantivy.Occur.Should, same_field)])
        searcher = target.searcher()
        found = searcher.search(query, limit=limit + 1).hits
        ids = [searcher.doc(address)["id"][0] for _score, address in found]
        return [id for id in ids if id != exclude][:limit]
