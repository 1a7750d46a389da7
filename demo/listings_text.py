"""What the demo listings say: per technology field, its topics and the subjects of software, know-how and other
achievements, with the sentences their summaries, problems, advantages and application scenarios are drawn from.

The tables are in ``data/listing_text.toml``; this module reads them into
:class:`FieldText` and :class:`Topic`, and :mod:`demo.listings_plan` draws
from them with a seeded generator.

Titles follow the habits of Chinese technology markets: software carries a
version (``……系统V2.0``, as registered for software copyright), know-how is a
process or a technical solution, other achievements are pilot-scale results,
prototypes or "key technologies and application". Single-patent listings take
their patent's title from the registry (``一种……方法``), so title and patent
agree. Everything here is non-confidential by design: no process parameters.

Each field is split into a few topics (a battery is not a wind turbine), and
every subject names its topic, so a listing's problem, advantages and
application scenarios are about what its title says. Registry patents find
their topic by the keywords in their titles. Subjects are ``(Chinese,
English, ...)`` so that some listings can carry an English title;
achievements and know-how also say what sort of thing they are, which decides
the title templates that fit them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .loading import read_data, tuples

MATERIAL, DEVICE, METHOD = "material", "device", "method"
PROCESS = "process"  # know-how that is a production process (the others are methods)


@dataclass(frozen=True)
class Topic:
    """Part of a field: the sentences that describe listings about it."""

    keywords: tuple[str, ...]  # words in a registry patent's title that put the patent here
    problems: tuple[str, ...]  # "problem solved", one sentence each
    approaches: tuple[str, ...]  # how a result was reached, to fit "本成果由……完成，{approach}，{advantage}。"
    advantages: tuple[str, ...]  # measurable gains, without final punctuation
    applications: tuple[str, ...]  # scenarios or industries


@dataclass(frozen=True)
class FieldText:
    """One technology field of the market: its topics, and what its listings are about."""

    slug: str  # TechnologyField.slug
    name: str
    colour: tuple[int, int, int]  # the generated pictures' main colour
    motif: str  # what the pictures draw, see demo.images.MOTIFS
    topics: dict[str, Topic]  # the first is where a patent goes when no keyword matches
    software: tuple[tuple[str, str, str], ...]  # (zh, en, topic)
    know_how: tuple[tuple[str, str, str, str], ...]  # (zh, en, PROCESS or METHOD, topic)
    achievements: tuple[tuple[str, str, str, str], ...]  # (zh, en, MATERIAL, DEVICE or METHOD, topic)
    chips: tuple[tuple[str, str, str], ...] = ()  # IC layout designs (zh, en, topic), for the fields that have them
    crops: tuple[tuple[str, str], ...] = ()  # (crop, the character a variety name carries), for plant varieties
    crop_topic: str = ""

    def topic_of(self, subject: str) -> str:
        """The topic of a registry patent, by the keyword found last in what it is about (the noun comes last)."""
        found = {key: max(subject.rfind(word) for word in t.keywords) for key, t in self.topics.items() if t.keywords}
        best = max(found, key=found.get, default="")
        return best if best and found[best] >= 0 else next(iter(self.topics))


_DATA = read_data("listing_text")


def _topic(row: dict) -> Topic:
    return Topic(
        keywords=tuples(row["keywords"]),
        problems=tuples(row["problems"]),
        approaches=tuples(row["approaches"]),
        advantages=tuples(row["advantages"]),
        applications=tuples(row["applications"]),
    )


def _field(row: dict) -> FieldText:
    return FieldText(
        slug=row["slug"],
        name=row["name"],
        colour=tuples(row["colour"]),
        motif=row["motif"],
        topics={key: _topic(topic) for key, topic in row["topics"].items()},
        software=tuples(row["software"]),
        know_how=tuples(row["know_how"]),
        achievements=tuples(row["achievements"]),
        chips=tuples(row.get("chips", [])),
        crops=tuples(row.get("crops", [])),
        crop_topic=row.get("crop_topic", ""),
    )


def _titles(rows: list) -> tuple[tuple[str, str, tuple[int, int]], ...]:
    """Title templates: (Chinese, English, the range of readiness levels they fit)."""
    return tuple((zh, en, (low, high)) for zh, en, low, high in rows)


FIELDS: dict[str, FieldText] = {key: _field(row) for key, row in _DATA["fields"].items()}
# The registry's demo fields (demo.registry_text.FIELDS) are the first nine of these, under the same keys.

# --- Titles, by kind ---

SOFTWARE_TITLES: tuple[tuple[str, str], ...] = tuples(_DATA["software_titles"])
KNOW_HOW_TITLES = {sort: _titles(rows) for sort, rows in _DATA["know_how_titles"].items()}
ACHIEVEMENT_TITLES = {sort: _titles(rows) for sort, rows in _DATA["achievement_titles"].items()}
(IC_LAYOUT_TITLE,) = _titles([_DATA["ic_layout_title"]])
PLANT_VARIETY_TITLE: str = _DATA["plant_variety_title"]
PORTFOLIO_TITLES: tuple[str, str] = tuples(_DATA["portfolio_titles"])  # two patents, more

# --- Summaries ---

SOFTWARE_FEATURES: tuple[str, ...] = tuples(_DATA["software_features"])
KIND_CLOSINGS: dict[str, str] = _DATA["kind_closings"]
# Achievements describe how far they got, by readiness level: (highest TRL, sentence).
ACHIEVEMENT_CLOSINGS: tuple[tuple[int, str], ...] = tuples(_DATA["achievement_closings"])
VARIETY_TRAITS: tuple[str, ...] = tuples(_DATA["variety_traits"])

# --- Deal terms ---

# Indicative prices in units of 10,000 yuan (万元), by deal mode; patent portfolios and equity ask more.
PRICES_WAN: dict[str, tuple[int, ...]] = {mode: tuple(prices) for mode, prices in _DATA["prices_wan"].items()}
TERM_NOTES: dict[str, tuple[str, ...]] = {mode: tuple(notes) for mode, notes in _DATA["term_notes"].items()}
# The note of an open licence offered on the registry's declared terms, by fee type ("{fee}": the royalty).
OPEN_LICENCE_NOTES: dict[str, str] = _DATA["open_licence_notes"]

# --- Moderation ---

REJECTION_REASONS: tuple[str, ...] = tuples(_DATA["rejection_reasons"])
SUSPENSION_REASONS: tuple[str, ...] = tuples(_DATA["suspension_reasons"])
WITHDRAWAL_NOTE: str = _DATA["withdrawal_note"]
CLOSING_NOTE: str = _DATA["closing_note"]

IMAGE_CAPTIONS: tuple[str, ...] = tuples(_DATA["image_captions"])

# --- Contacts: a few technology-transfer officers per organisation, (surname, its pinyin) ---

CONTACT_SURNAMES: tuple[tuple[str, str], ...] = tuples(_DATA["contact_surnames"])
