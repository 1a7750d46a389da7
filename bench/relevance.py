"""Relevance on a judged query set: nDCG@10, recall and the zero-result rate, for the engine and a baseline.

The set is ``tests/search/relevance.json`` (graded judgements over the demo
market's published listings, keyed by title). The documents are built in
Python from the demo plan (``demo.listings_plan``), the same fields
``search.documents`` builds from the database (patents' titles left out),
and indexed into a tantivy index in memory, so this runs in seconds and
needs no database. The baseline is the database fallback's rule
(``search.database``): every term a substring of the listing's text,
newest first.

    python bench/relevance.py          # the table, and each query's figures with --verbose
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY_SET = ROOT / "tests" / "search" / "relevance.json"
CUTOFF = 10
# How many results count toward recall (the first pages a person reads).
RECALL_DEPTH = 50


@dataclass(frozen=True)
class Scores:
    name: str
    ndcg: float  # mean nDCG@10 over the queries
    recall: float  # mean share of the judged listings among the first RECALL_DEPTH results
    zero: float  # share of the queries that found nothing
    per_query: dict[str, float]  # each query's nDCG@10
    empty: tuple[str, ...]  # the queries that found nothing


def query_set() -> list[dict]:
    return json.loads(QUERY_SET.read_text(encoding="utf-8"))["queries"]


def demo_documents() -> list[dict]:
    """The demo's published listings as search documents (ids from 1, in the plan's order, newest last)."""
    from demo import listings_plan, listings_text
    from demo.accounts import ENTERPRISES, SUPPLIERS
    from demo.registry_plan import plan_patents
    from listings.choices import ListingStatus
    from search.documents import price_band, trl_band

    owners = {owner.key: owner for owner in (*SUPPLIERS, *ENTERPRISES)}
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    docs = []
    plan = listings_plan.plan_listings(patents=plan_patents())
    for listing in (planned for planned in plan if planned.status == ListingStatus.PUBLISHED):
        owner, field = owners[listing.organisation], listings_text.FIELDS[listing.field]
        prices = [term.price for term in listing.terms if term.price is not None]
        modes = sorted({str(term.mode) for term in listing.terms})
        text = [listing.problem, listing.advantages, listing.applications, field.name, owner.name_zh, owner.name_en]
        docs.append(
            {
                "id": len(docs) + 1,
                "title_zh": listing.title_zh,
                "title_en": listing.title_en,
                "summary_zh": listing.summary_zh,
                "summary_en": "",
                "text": "\n".join(part for part in text if part),
                "province": owner.province,
                "city": owner.city,
                "field": field.slug,
                "ipc": [],
                "kind": str(listing.kind),
                "deal_mode": modes,
                "open_licence": "open_licence" in modes,
                "pay_later": "pay_later" in modes,
                "trl": listing.trl,
                "trl_band": trl_band(listing.trl),
                "price": float(min(prices)) if prices else None,
                "price_band": price_band(min(prices) if prices else None),
                "org_kind": str(owner.kind),
                "published": start + datetime.timedelta(hours=len(docs)),
            }
        )
    return docs


def ndcg(ranked: list[int], grades: dict[int, int], cutoff: int = CUTOFF) -> float:
    def gain(position: int, grade: int) -> float:
        return (2**grade - 1) / math.log2(position + 2)

    found = sum(gain(position, grades.get(id, 0)) for position, id in enumerate(ranked[:cutoff]))
    ideal = sum(gain(position, grade) for position, grade in enumerate(sorted(grades.values(), reverse=True)[:cutoff]))
    return found / ideal if ideal else 1.0


def score(name: str, search, docs: list[dict], queries: list[dict]) -> Scores:
    """``search(text) -> ranked ids`` over every query of the set."""
    by_title = {doc["title_zh"]: doc["id"] for doc in docs}
    ndcgs, recalls, empty, per_query = [], [], [], {}
    for entry in queries:
        unknown = set(entry["judgements"]) - set(by_title)
        if unknown:
            raise SystemExit(f"{entry['query']!r} judges listings the demo does not have: {sorted(unknown)}")
        grades = {by_title[title]: grade for title, grade in entry["judgements"].items()}
        ranked = search(entry["query"])
        ndcgs.append(ndcg(ranked, grades))
        recalls.append(len(set(ranked[:RECALL_DEPTH]) & set(grades)) / len(grades))
        if not ranked:
            empty.append(entry["query"])
        per_query[entry["query"]] = ndcgs[-1]
    count = len(queries)
    return Scores(name, sum(ndcgs) / count, sum(recalls) / count, len(empty) / count, per_query, tuple(empty))


def engine_scores(docs: list[dict], queries: list[dict]) -> Scores:
    """The tantivy backend, in memory, through ``searching.run_search`` (a relaxed search after none)."""
    from unittest import mock

    from search import searching
    from search.backends.tantivy import TantivyBackend
    from search.query import SearchQuery

    backend = TantivyBackend(None)
    backend.rebuild({"listings": docs})
    with mock.patch.object(searching, "get_backend", return_value=backend):
        return score(
            "tantivy",
            lambda text: (
                searching.run_search(SearchQuery(text=text, page_size=RECALL_DEPTH, highlight=False)).result.ids
            ),
            docs,
            queries,
        )


def baseline_scores(docs: list[dict], queries: list[dict]) -> Scores:
    """The database fallback's rule on the same documents: every term a substring of the text, newest first."""
    from search.analysis import query_terms

    texts = {
        doc["id"]: "\n".join(doc[name] for name in ("title_zh", "title_en", "summary_zh", "summary_en", "text")).lower()
        for doc in docs
    }
    newest = [doc["id"] for doc in sorted(docs, key=lambda doc: doc["published"], reverse=True)]

    def search(text: str) -> list[int]:
        terms = [term.text for term in query_terms(text)]
        return [id for id in newest if all(term in texts[id] for term in terms)][:RECALL_DEPTH]

    return score("database fallback (every term, newest first)", search, docs, queries)


def report(*scores: Scores, verbose: bool = False) -> None:
    queries = query_set()
    print(f"relevance on {len(queries)} judged queries ({QUERY_SET.relative_to(ROOT)}), demo market's listings:")
    width = max(len(entry.name) for entry in scores)
    print(f"  {'':{width}}  nDCG@{CUTOFF}  recall@{RECALL_DEPTH}  zero results")
    for entry in scores:
        print(f"  {entry.name:{width}}  {entry.ndcg:7.3f}  {entry.recall:9.3f}  {entry.zero:12.3f}")
    if verbose:
        for entry in queries:
            figures = "  ".join(f"{one.per_query[entry['query']]:.2f}" for one in scores)
            print(f"    {entry['kind']:<15} {entry['query']:<20} {figures}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="each query's nDCG@10")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techmarket.settings.test")
    django.setup()
    docs, queries = demo_documents(), query_set()
    report(engine_scores(docs, queries), baseline_scores(docs, queries), verbose=args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
