""" "您是不是要找": words near a query's unknown words, offered when a search finds nothing or only some words.

The words come from what the index holds: the phrases of published listings'
titles (cut at the little words that join phrases: 的, 与, 及 ...), the
technology fields' names and the staff's synonyms. A word is near a query's
term when it differs in one character, or shares most of its character pairs.
The vocabulary is read again every ``REFRESH_SECONDS``.
"""

from __future__ import annotations

import re
import time
from collections import Counter

from django.db import DatabaseError

from . import analysis, synonyms

REFRESH_SECONDS = 600
TITLES = 5000  # the newest published listings whose titles give phrases
MAX_SUGGESTIONS = 3
_JOINS = re.compile(r"[的与和及或在用于对中之一种基]+")

_vocabulary: tuple[float, Counter] | None = None


def _phrases(text: str) -> list[str]:
    found = []
    for run in analysis.HAN_RUN.findall(analysis.simplified(text)):
        found += [part for part in _JOINS.split(run) if 2 <= len(part) <= 10]
    return found


def _read() -> Counter:
    from listings.models import Listing
    from techmarket.regions.models import TechnologyField

    words: Counter = Counter()
    for forms in synonyms.table().items():
        for form in (forms[0], *forms[1]):
            if analysis.HAN_RUN.fullmatch(form):
                words[form] += 1
    try:
        words.update(TechnologyField.objects.active().values_list("name_zh", flat=True))
        titles = Listing.objects.published().order_by("-published_at").values_list("title_zh", flat=True)[:TITLES]
        for title in titles:
            words.update(_phrases(title))
    except DatabaseError:
        pass
    return words


def vocabulary() -> Counter:
    global _vocabulary
    now = time.monotonic()
    if _vocabulary is None or now - _vocabulary[0] > REFRESH_SECONDS:
        _vocabulary = (now, _read())
    return _vocabulary[1]


def forget() -> None:
    global _vocabulary
    _vocabulary = None


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _nearness(term: str, word: str) -> float:
    """1 for one character replaced; else the share of character pairs in common (Dice); 0 when too far."""
    if word == term or abs(len(word) - len(term)) > 1:
        return 0.0
    if len(word) == len(term) and sum(a != b for a, b in zip(word, term, strict=True)) == 1:
        return 1.0
    ours, theirs = _pairs(term), _pairs(word)
    return 2 * len(ours & theirs) / (len(ours) + len(theirs)) if ours and theirs else 0.0


def did_you_mean(text: str) -> list[str]:
    """Whole queries to try instead: each unknown Chinese word of ``text`` replaced by a near known one."""
    words = vocabulary()
    query = analysis.normalise(text)
    offered: list[str] = []
    for term in analysis.query_terms(text):
        if not term.cjk or len(term.text) < 3 or term.text in words:
            continue
        near = [(_nearness(term.text, word), count, word) for word, count in words.items()]
        near = sorted((item for item in near if item[0] >= 0.6), reverse=True)[:MAX_SUGGESTIONS]
        offered += [query.replace(term.text, word) for _score, _count, word in near]
    return list(dict.fromkeys(offered))[:MAX_SUGGESTIONS]
