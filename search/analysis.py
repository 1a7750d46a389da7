"""How text is cut into terms, the same on both sides of the search: documents and queries.

Chinese has no spaces, so both backends index Chinese text as overlapping
character pairs (bigrams): 锂电池 gives 锂电 and 电池, so a query for 电池 finds
it. A query term of more characters must have all its pairs; one character
is looked up on its own. Latin letters and digits form lower-cased words.

Both sides are normalised the same way first: full-width letters and digits
become ordinary ones, and traditional characters simplified ones (OpenCC's
``t2s``), so 半導體 finds 半导体. The Elasticsearch backend is sent the same
normalised text, so the two backends agree.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import opencc
from django.utils.html import escape

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
HAN_RUN = re.compile(f"[{HAN}]+")
# Letters of the Latin script and digits; the tantivy tokenizer uses the same class ([\p{Latin}\p{N}]+).
LATIN_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")

MAX_QUERY_CHARS = 100
MAX_TERMS = 12


@dataclass(frozen=True)
class Term:
    text: str
    cjk: bool

    @property
    def grams(self) -> list[str]:
        """The indexed terms this term must all match: its character pairs, or itself."""
        if self.cjk and len(self.text) > 1:
            return [self.text[i : i + 2] for i in range(len(self.text) - 1)]
        return [self.text]


@cache
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Full-width letters and digits as ordinary ones (ＡＩ → AI), traditional characters as simplified (體 → 体)."""
    return _to_simplified().convert(unicodedata.normalize("NFKC", text or ""))


def normalise(text: str) -> str:
    """A query normalised as the documents are (:func:`simplified`), at most ``MAX_QUERY_CHARS`` long."""
    return simplified((text or "")[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS].strip()


def query_terms(text: str) -> list[Term]:
    """The terms of a query, in order, without repeats: runs of Chinese characters and Latin words."""
    text = normalise(text)
    found = [(m.start(), Term(m.group(), True)) for m in HAN_RUN.finditer(text)]
    found += [(m.start(), Term(m.group().lower(), False)) for m in LATIN_WORD.finditer(text)]
    terms: list[Term] = []
    for _position, term in sorted(found, key=lambda pair: pair[0]):
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def han_text(text: str) -> str:
    """Only the Chinese runs of a text, simplified, one per line, for the bigram field (keeps pairs of Latin letters
    out)."""
    return _han_runs(simplified(text))


def _han_runs(text: str) -> str:
    return "\n".join(HAN_RUN.findall(text))


def highlight(text: str, terms: list[Term], *, around: int | None = None) -> str:
    """HTML of ``text`` (escaped) with every occurrence of the terms in <mark>.

    With ``around``, a fragment of about that many characters around the
    first match (or the start), with an ellipsis where it was cut.
    """
    text = text or ""
    spans = _spans(text, terms)
    start, end = 0, len(text)
    if around is not None and len(text) > around:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - around // 4, len(text) - around))
        end = start + around
    parts, position = [], start
    for low, high in spans:
        low, high = max(low, position), min(high, end)
        if low >= high:
            continue
        parts += [escape(text[position:low]), "<mark>", escape(text[low:high]), "</mark>"]
        position = high
    parts.append(escape(text[position:end]))
    return ("…" if start else "") + "".join(parts) + ("…" if end < len(text) else "")


def _spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    spans = []
    for term in terms:
        pattern = re.escape(term.text)
        if not term.cjk:  # whole words only, as the index has them
            pattern = rf"(?<![0-9A-Za-z\u00c0-\u024f]){pattern}(?![0-9A-Za-z\u00c0-\u024f])"
        spans += [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]
    merged: list[tuple[int, int]] = []
    for low, high in sorted(spans):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(high, merged[-1][1]))
        else:
            merged.append((low, high))
    return merged


def highlights(display: dict, terms: list[Term]) -> dict[str, str]:
    """A document's title and summary with the query's terms marked, in Chinese and, where given, English."""
    if not terms:
        return {}
    marked = {
        "title": highlight(display["title_zh"], terms),
        "summary": highlight(display["summary_zh"], terms, around=160),
    }
    if display.get("title_en"):
        marked["title_en"] = highlight(display["title_en"], terms)
    if display.get("summary_en"):
        marked["summary_en"] = highlight(display["summary_en"], terms, around=240)
    return marked


# Between two runs of Chinese in a phrase field, so that no phrase spans the punctuation or the words parting them.
RUN_BREAK = "|"


def text_fields(doc: dict) -> dict[str, str]:
    """The analysed fields of a document, the same in every backend: the Chinese runs of the title and of the
    rest for the pair fields, the whole texts for the word fields, and the Chinese runs of the summary alone (where
    a phrase found ranks above one found in the rest)."""
    # Each part simplified once (no conversion reaches across a line break): a rebuild spends much of its Python
    # time here.
    title = simplified(f"{doc.get('title_zh', '')}\n{doc.get('title_en', '')}")
    summary = simplified(doc.get("summary_zh", ""))
    rest = simplified(f"{doc.get('summary_en', '')}\n{doc.get('text', '')}")
    body = f"{summary}\n{rest}"
    return {
        "title": _han_runs(title),
        "title_words": title,
        "body": _han_runs(body),
        "body_words": body,
        "summary": _han_runs(summary),
    }


def pair_sequence(han: str) -> str:
    """The character pairs of Chinese runs (one per line, as :func:`han_text` gives them) in their order, parted by
    spaces, each run's from the next by ``RUN_BREAK``: 锂电池\n回收 gives "锂电 电池 | 回收".

    Indexed a token to a position, so that a phrase query over a term's pairs finds them only next to each other
    (tantivy's n-gram tokenizer puts every gram at position 0, which no phrase can use).
    """
    runs = [run for run in han.split("\n") if len(run) > 1]
    return f" {RUN_BREAK} ".join(" ".join(map(str.__add__, run[:-1], run[1:])) for run in runs)
