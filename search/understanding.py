"""What a query means, worked out once for every backend: its terms, their synonyms, the places it names,
and how much of it a document must match.

- A term's alternatives are the term and its synonyms (``synonyms.py``); a
  document matches the term when it matches one alternative.
- A term that names a province or a city of the region (江苏, 江苏省, 苏州,
  合肥市), or a technology field (生物医药), is a boost toward the listings
  of that place or field (or that name it), not a filter and not a term a
  document must have: ``钙钛矿 电池 江苏`` finds every 钙钛矿电池 listing,
  Jiangsu's first. A query of such names only needs them as terms. The page
  offers each as a filter (``suggested_filters``).
- A query of several terms needs most of them (all of two, two of three,
  three of four ...); ranking (BM25, the title weighted) puts the documents
  with more of them first.
- Where a document has a Chinese term whole (its pairs next to each
  other, not scattered: 锂电池 rather than 锂电 ... 电池), or the query's
  terms near each other in their order, it ranks higher: in its title
  most, in its summary less, anywhere else not at all (``phrases``,
  a boost, never a condition).
- A Chinese term must have all its character pairs, as before, so the
  common search stays exact and fast. A search that finds nothing is asked
  again relaxed (``searching.run_search``): one term is enough, and a term
  of four or more characters needs only most of its pairs, so one wrong
  character (神经网洛) still finds 神经网络.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from functools import cache

from django.db import DatabaseError
from django.utils import translation

from techmarket.regions import gbt2260

from . import analysis, synonyms
from .analysis import Term

MAX_ALTERNATIVES = 6
# A place named in the query weighs toward its listings like a term found in a title.
PLACE_BOOST = 3.0
# A query's term found whole, or its terms near each other in order, in a title or a summary: weighed like a term.
TITLE_PHRASE_BOOST = 2.0
SUMMARY_PHRASE_BOOST = 1.0
# How many characters may come between two terms of the query for them to count as near each other.
NEAR_SLOP = 3
_SHORT = re.compile(r"^(?P<short>.{2,}?)(?:省|市)$")


@dataclass(frozen=True)
class Clause:
    """One term of the query and what else matches it."""

    term: Term
    alternatives: tuple[Term, ...]  # the term first, then its synonyms
    # (keyword field, code) it names: ("province", "320000"), ("city", "320500"), ("field", "biomedicine")
    places: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Phrase:
    """Character pairs to find in their order: a term's (next to each other) or the query's terms' (near)."""

    grams: tuple[tuple[int, str], ...]  # each pair at its position: the index of its first character in the terms
    text: str  # the terms, parted by spaces: what Elasticsearch's match_phrase analyses into the same pairs
    slop: int  # how many positions the pairs may stray from those


@dataclass(frozen=True)
class Understood:
    clauses: tuple[Clause, ...]
    required: int  # how many of the needed clauses a document must match
    relaxed: bool = False

    def gram_minimum(self, term: Term) -> int:
        """How many of a term's grams a document must have: all, or in a relaxed search most of them."""
        return gram_minimum(term) if self.relaxed else len(term.grams)

    @property
    def relaxable(self) -> bool:
        """Whether a relaxed search would find more: several terms needed, or a term that may lose a pair."""
        return self.required > 1 or any(
            gram_minimum(term) < len(term.grams) for clause in self.needed for term in clause.alternatives
        )

    @property
    def needed(self) -> tuple[Clause, ...]:
        """The clauses a document must match (``required`` of them): all but the places, unless only places."""
        return tuple(clause for clause in self.clauses if not clause.places) or self.clauses

    @property
    def boosts(self) -> tuple[Clause, ...]:
        """The places named beside other terms: they raise their documents, they do not limit the matches."""
        return tuple(clause for clause in self.clauses if clause not in self.needed)

    @property
    def terms(self) -> list[Term]:
        """Every term a document may hold (to mark them): the query's and their synonyms."""
        found: list[Term] = []
        for clause in self.clauses:
            found += [term for term in clause.alternatives if term not in found]
        return found

    @property
    def phrases(self) -> list[Phrase]:
        """What ranks a document higher where it has it in a row: each Chinese term of two or more characters of
        the needed clauses (and each of its synonyms), then, with two or more of them, the query's own terms near
        each other in the query's order."""
        found: list[Phrase] = []
        for clause in self.needed:
            for term in clause.alternatives:
                if term.cjk and len(term.text) > 1:
                    phrase = Phrase(tuple(enumerate(term.grams)), term.text, 0)
                    if phrase not in found:
                        found.append(phrase)
        terms = [clause.term for clause in self.needed if clause.term.cjk and len(clause.term.text) > 1]
        if len(terms) > 1:
            grams, start = [], 0
            for term in terms:
                grams += [(start + offset, gram) for offset, gram in enumerate(term.grams)]
                start += len(term.text)
            found.append(Phrase(tuple(grams), " ".join(term.text for term in terms), NEAR_SLOP))
        return found

    @property
    def places(self) -> list[tuple[str, str]]:
        return [place for clause in self.clauses for place in clause.places]


@cache
def places() -> dict[str, tuple[tuple[str, str], ...]]:
    """Names of the region's provinces and prefecture-level cities, full and short -> the keyword they match."""
    found: dict[str, tuple[tuple[str, str], ...]] = {}
    with translation.override("zh-hans"):  # the names people type, whatever the page's language when first read
        _add_places(found)
    return found


def _add_places(found: dict) -> None:
    for province in gbt2260.YRD_PROVINCES:
        named = [(gbt2260.division_name(province), (("province", province),))]
        if province not in gbt2260.MUNICIPALITIES:  # a municipality's "cities" are districts
            named += [(city.name, (("city", city.code),)) for city in gbt2260.cities(province)]
        for name, place in named:
            found[name] = place
            short = _SHORT.match(name)
            if short:
                found.setdefault(short["short"], place)


def gram_minimum(term: Term) -> int:
    """How many of a term's indexed grams a document must have: all for up to two pairs, else all but two
    (one wrong character inside a term spoils two pairs), and never fewer than two."""
    count = len(term.grams)
    return count if count <= 2 else max(2, count - 2)


def clause_minimum(count: int, *, relaxed: bool = False) -> int:
    """How many of a query's terms a document must match: one of one, two of two, then all but a third."""
    if relaxed:
        return min(count, 1)
    return count - count // 3


def alternatives(term: Term) -> tuple[Term, ...]:
    """The term and its synonyms; in a longer run of Chinese, a synonym replaces the part it stands for."""
    table, found = synonyms.table(), [term]
    for other in table.get(term.text, ()):
        found.append(_as_term(other))
    if term.cjk and term.text not in table:
        for form, others in table.items():
            if len(form) >= 2 and analysis.HAN_RUN.fullmatch(form) and form in term.text:
                found += [Term(term.text.replace(form, other), True) for other in others if _is_han(other)]
    unique = list(dict.fromkeys(found))
    return tuple(unique[:MAX_ALTERNATIVES])


_fields: tuple[float, dict[str, tuple[tuple[str, str], ...]]] | None = None
FIELD_NAMES_REFRESH_SECONDS = 300


def field_names() -> dict[str, tuple[tuple[str, str], ...]]:
    """The active technology fields' Chinese names -> the field they name (read again every few minutes)."""
    global _fields
    now = time.monotonic()
    if _fields is None or now - _fields[0] > FIELD_NAMES_REFRESH_SECONDS:
        from techmarket.regions.models import TechnologyField

        try:
            rows = TechnologyField.objects.active().values_list("name_zh", "slug")
            _fields = (now, {analysis.simplified(name): (("field", slug),) for name, slug in rows})
        except DatabaseError:  # no table yet (a bench run before ``migrate``)
            _fields = (now, {})
    return _fields[1]


def forget_field_names() -> None:
    """Read the technology fields' names again at the next search."""
    global _fields
    _fields = None


def understand(text: str, *, relaxed: bool = False) -> Understood:
    named = {**field_names(), **places()}
    clauses = []
    for term in analysis.query_terms(text):
        where = named.get(term.text, ()) if term.cjk else ()
        clauses.append(Clause(term, alternatives(term), where))
    needed = [clause for clause in clauses if not clause.places] or clauses
    return Understood(tuple(clauses), clause_minimum(len(needed), relaxed=relaxed), relaxed)


def _is_han(text: str) -> bool:
    return bool(analysis.HAN_RUN.fullmatch(text))


def _as_term(text: str) -> Term:
    return Term(text, _is_han(text))
