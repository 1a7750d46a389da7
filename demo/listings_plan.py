"""The plan behind the demo market: which listings the demo universities and institutes put up.

The tables of how many, where and of which kinds are in
``data/listing_plan.toml``; :func:`plan_listings` draws every listing from one seeded generator before the
database is touched, so each run plans the same listings, and a shorter plan
is the start of a longer one made from the same registry plan.

Patent listings use the registry's demo patents. The registry plan
(:func:`demo.registry_plan.plan_patents`) says who holds each patent at the
end of its story, whether it is still in force and what licences it carries,
so the plan offers only patents a demo university or institute still holds,
that are granted and in force, are not designs and are not tied up by an
exclusive or sole licence; each patent goes into one listing at most. A patent
under a declared open licence is offered on its declared terms; one that is
under an open or any other licence is never offered with an exclusive or sole
licence beside it. The seed step checks each holding again
in the database (``Patent.objects.held_by``) before it creates the listing.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ip_registry.choices import EntryKind, LegalStatus, LicenceType
from ip_registry.numbers import PatentType
from listings.choices import DealMode, ListingKind, ListingStatus

from . import listings_text, registry_text
from .accounts import BROKERS, DEMO_EMAIL_DOMAIN, SUPPLIERS, DemoOrganisation
from .loading import int_keys, read_data
from .registry_plan import LAST_DAY, PATENT_COUNT, SUPPLIER_WEIGHTS, DemoPatent, plan_patents

_DATA = read_data("listing_plan")

SEED = 2604
LISTING_COUNT = 230

# How many listings of each status the full plan holds (about 200 on the market, the rest in the workflow).
STATUS_COUNTS = {ListingStatus(status): count for status, count in _DATA["status_counts"].items()}
# The first listings take every status, so that a short plan (for tests) walks every path of the workflow;
# after them each listing takes the status furthest behind its share.
STATUS_OPENING = (
    ListingStatus.PUBLISHED,
    ListingStatus.DRAFT,
    ListingStatus.PUBLISHED,
    ListingStatus.SUBMITTED,
    ListingStatus.PUBLISHED,
    ListingStatus.SUSPENDED,
    ListingStatus.PUBLISHED,
    ListingStatus.WITHDRAWN,
    ListingStatus.PUBLISHED,
    ListingStatus.CLOSED,
)
# The transitions that bring a new draft to each status (a third of the drafts were sent back once).
PATHS = {
    ListingStatus.PUBLISHED: ("submit", "approve"),
    ListingStatus.DRAFT: (),
    ListingStatus.SUBMITTED: ("submit",),
    ListingStatus.SUSPENDED: ("submit", "approve", "suspend"),
    ListingStatus.WITHDRAWN: ("submit", "approve", "withdraw"),
    ListingStatus.CLOSED: ("submit", "approve", "close"),
}
SENT_BACK = ("submit", "reject")
# Listings the public sees; they get one to three pictures.
ON_THE_MARKET = (ListingStatus.PUBLISHED, ListingStatus.SUSPENDED, ListingStatus.WITHDRAWN, ListingStatus.CLOSED)

PROVINCE_SHARES: dict[str, float] = _DATA["province_shares"]
PROVINCE_HEAD_START = dict.fromkeys(PROVINCE_SHARES, 1)  # the first four listings are one in each province

# Which fields each demo supplier lists in: the registry's fields plus those without demo patents.
SUPPLIER_FIELDS: dict[str, tuple[str, ...]] = {key: tuple(f) for key, f in _DATA["supplier_fields"].items()}
# The share of all listings each field aims at.
FIELD_WEIGHTS: dict[str, int] = _DATA["field_weights"]
# How plant varieties of each breeder are named (浙大粳18号).
VARIETY_PREFIXES: dict[str, str] = _DATA["variety_prefixes"]

PATENT_SHARE = 0.55  # of the listings of a supplier that still has patents to offer
PORTFOLIO_SHARE = 0.3
ENGLISH_TITLE_SHARE = 0.35
NEGOTIABLE_SHARE = 0.25
# The kinds of the listings that are not patents (IC layout designs in the fields with chips, plant varieties in
# agriculture) and the deal modes each kind offers, by weight.
KIND_WEIGHTS = {ListingKind(kind): weight for kind, weight in _DATA["kind_weights"].items()}
MODE_WEIGHTS = {
    ListingKind(kind): {DealMode(mode): weight for mode, weight in modes.items()}
    for kind, modes in _DATA["mode_weights"].items()
}
# Beside a declared open licence a patentee may still sell or grant ordinary licences, never exclusive or sole ones.
BESIDE_OPEN_LICENCE = (DealMode.ASSIGNMENT, DealMode.ORDINARY_LICENCE, DealMode.PAY_LATER)
RESTRICTIVE_MODES = (DealMode.EXCLUSIVE_LICENCE, DealMode.SOLE_LICENCE)
TERM_COUNTS: dict[int, int] = int_keys(_DATA["term_counts"])
IMAGE_COUNTS: dict[int, int] = int_keys(_DATA["image_counts"])

BROKER = BROKERS[0]
BROKER_FIELD_KEYS = tuple(key for key, text in listings_text.FIELDS.items() if text.slug in BROKER.field_slugs)

_SUPPLIERS_BY_KEY = {org.key: org for org in SUPPLIERS}


@dataclass(frozen=True)
class DemoTerm:
    """A deal mode offered, its indicative price in yuan (``None``: negotiable) and a note."""

    mode: str
    price: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    phone: str | None


@dataclass(frozen=True)
class DemoListing:
    """A listing to seed, the way its owner writes it, and where it ends up in the workflow."""

    organisation: str  # key of a demo supplier
    creator: str  # e-mail of the member who writes it
    kind: str
    status: str
    path: tuple[str, ...]  # transitions from draft to the status
    reason: str  # for the transitions that need one (and the note of a withdrawal or closing)
    field: str  # key of listings_text.FIELDS
    title_zh: str
    title_en: str
    summary_zh: str
    problem: str
    advantages: str
    applications: str
    trl: int
    patents: tuple[str, ...]  # application numbers, in the registry
    terms: tuple[DemoTerm, ...]
    contact: Contact
    broker: bool  # the demo technology-transfer manager is assigned
    image_count: int
    image_seed: int

    @property
    def field_slug(self) -> str:
        return listings_text.FIELDS[self.field].slug

    @property
    def province(self) -> str:
        return _SUPPLIERS_BY_KEY[self.organisation].province


# --- The registry's patents the suppliers may list ---


@dataclass(frozen=True)
class OfferablePatent:
    application_number: str
    title: str
    field: str
    is_invention: bool
    open_licence: dict | None  # the declared terms, if an open licence is declared
    licensed: bool  # a licence is in force: no exclusive or sole licence can be offered beside it


def final_holders(patent: DemoPatent) -> list[str]:
    """Who holds the patent at the end of its story: the last assignees, or the first holders."""
    holders = [key for key, _share in patent.holders]
    for event in patent.events:
        if event.kind == EntryKind.ASSIGNMENT:
            holders = [key for key, _share in event.parties]
    return holders


def offerable_patents(patents: Sequence[DemoPatent]) -> dict[str, list[OfferablePatent]]:
    """Per supplier, in registry order, the patents it may list (see the module's docstring)."""
    offers: dict[str, list[OfferablePatent]] = defaultdict(list)
    for patent in patents:
        if patent.legal_status != LegalStatus.VALID or patent.patent_type == PatentType.DESIGN:
            continue
        licences = [
            event
            for event in patent.events
            if event.kind == EntryKind.LICENCE and (event.term_end is None or event.term_end >= LAST_DAY)
        ]
        if any(licence.licence_type in (LicenceType.EXCLUSIVE, LicenceType.SOLE) for licence in licences):
            continue
        supplier = next((key for key in final_holders(patent) if key in _SUPPLIERS_BY_KEY), None)
        if supplier is None:
            continue
        declarations = [e for e in patent.events if e.kind == EntryKind.OPEN_LICENCE_DECLARATION]
        offers[supplier].append(
            OfferablePatent(
                application_number=patent.application_number,
                title=patent.title,
                field=patent.field,
                is_invention=patent.patent_type in (PatentType.INVENTION, PatentType.PCT_INVENTION),
                open_licence=declarations[-1].details if declarations else None,
                licensed=bool(licences),
            )
        )
    return offers


def patent_subject(title: str, field: str) -> str:
    """What a patent is about, from its title: 一种基于深度学习的锂电池健康状态估计方法 -> 锂电池健康状态估计."""
    subject = title.removeprefix("一种")
    for qualifier in registry_text.UTILITY_MODEL_QUALIFIERS:
        subject = subject.removeprefix(qualifier)
    for technique in registry_text.FIELDS[field].techniques:
        subject = subject.removeprefix(f"{technique}的")
    subject = subject.split("及其")[0]
    for suffix in ("方法及系统", "的制备方法", "方法"):
        if subject.endswith(suffix) and len(subject) > len(suffix) + 3:
            subject = subject.removesuffix(suffix)
            break
    return subject


def _contacts(organisation: DemoOrganisation, number: int) -> tuple[Contact, ...]:
    """The organisation's technology-transfer officers: the same three whatever else the plan holds."""
    rng = random.Random(f"{SEED}:{organisation.key}")  # noqa: S311 - demo data, reproducible on purpose
    contacts = []
    for index, (surname, pinyin) in enumerate(rng.sample(listings_text.CONTACT_SURNAMES, 3)):
        # Demo mobile numbers, in the range the demo accounts use (1390000....): two officers give one.
        phone = f"1390000{5000 + number * 10 + index}" if index < 2 else None
        contacts.append(Contact(f"{surname}老师", f"{organisation.key}.{pinyin}@{DEMO_EMAIL_DOMAIN}", phone))
    return tuple(contacts)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Planner:
    """Draws the listings from one seeded generator; every listing is planned after the ones before it."""

    def __init__(self, patents: Sequence[DemoPatent], seed: int = SEED):
        self.rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
        self.offers = offerable_patents(patents)
        self.statuses: Counter = Counter()
        self.provinces: Counter = Counter()
        self.organisations: Counter = Counter()
        self.fields: Counter = Counter()
        self.titles: set[str] = set()
        self.used_subjects: set[tuple] = set()
        self.count = 0
        self.contacts = {org.key: _contacts(org, number) for number, org in enumerate(SUPPLIERS)}

    # Small draws ------------------------------------------------------------------------------------------------

    def weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def furthest_behind(self, shares: dict, counts: Counter, head_start: dict | None = None):
        """The key whose count lags its share the most; keys with a head start are owed that many more."""
        total, head_start = sum(shares.values()), head_start or {}
        return max(
            shares, key=lambda key: shares[key] / total * (self.count + 1) + head_start.get(key, 0) - counts[key]
        )

    def leaning(self, weights: dict, counts: Counter):
        """A random key, drawn mostly among those furthest behind their weight's share of the draws so far."""
        total, drawn = sum(weights.values()), sum(counts[key] for key in weights)
        return self.weighted(
            {key: max(weight / total * (drawn + 1) - counts[key], 0) + 0.3 for key, weight in weights.items()}
        )

    def wan(self, mode: str, factor: float = 1) -> Decimal:
        return Decimal(round(self.rng.choice(listings_text.PRICES_WAN[mode]) * factor)) * 10_000

    def pick(self, options: Sequence, count: int) -> list:
        return self.rng.sample(list(options), min(count, len(options)))

    # The listing ------------------------------------------------------------------------------------------------

    def listing(self) -> DemoListing:
        rng = self.rng
        if self.count < len(STATUS_OPENING):
            status = STATUS_OPENING[self.count]
        else:
            status = self.furthest_behind(STATUS_COUNTS, self.statuses)
        self.statuses[status] += 1
        province = self.furthest_behind(PROVINCE_SHARES, self.provinces, PROVINCE_HEAD_START)
        self.provinces[province] += 1
        org = self.leaning(
            {org.key: SUPPLIER_WEIGHTS.get(org.key, 1.5) for org in SUPPLIERS if org.province == province},
            self.organisations,
        )
        self.organisations[org] += 1
        organisation = _SUPPLIERS_BY_KEY[org]

        if self.offers.get(org) and rng.random() < PATENT_SHARE:
            listing = self.patent_listing(organisation)
        else:
            listing = self.other_listing(organisation)
        self.fields[listing["field"]] += 1
        self.titles.add(listing["title_zh"])

        path = PATHS[status]
        if status == ListingStatus.DRAFT and rng.random() < 0.35:
            path = SENT_BACK
        reason = {
            ListingStatus.SUSPENDED: rng.choice(listings_text.SUSPENSION_REASONS),
            ListingStatus.WITHDRAWN: listings_text.WITHDRAWAL_NOTE,
            ListingStatus.CLOSED: listings_text.CLOSING_NOTE,
        }.get(status, rng.choice(listings_text.REJECTION_REASONS) if path == SENT_BACK else "")
        creators = [organisation.admin, *organisation.staff]
        topic = listings_text.FIELDS[listing["field"]].topics[listing.pop("topic")]
        advantages = self.pick(topic.advantages, 3)
        on_market = status in ON_THE_MARKET
        broker_chance = 0.25 if listing["field"] in BROKER_FIELD_KEYS else 0.05
        self.count += 1
        return DemoListing(
            organisation=org,
            creator=rng.choice(creators).email,
            status=status,
            path=path,
            reason=reason,
            problem=rng.choice(topic.problems),
            advantages="\n".join(f"{n}. {line}。" for n, line in enumerate(advantages, start=1)),
            applications="可应用于{}等领域。".format("、".join(self.pick(topic.applications, 3))),
            contact=rng.choice(self.contacts[org]),
            broker=on_market and rng.random() < broker_chance,
            image_count=self.weighted(IMAGE_COUNTS) if on_market else int(status == ListingStatus.SUBMITTED),
            image_seed=rng.getrandbits(32),
            **listing,
        )

    def patent_listing(self, organisation: DemoOrganisation) -> dict:
        """A single patent, or a portfolio of two or three of the organisation's patents in one field."""
        rng = self.rng
        offers = self.offers[organisation.key]
        first = offers.pop(0)
        same_field = [offer for offer in offers if offer.field == first.field]
        patents = [first]
        if same_field and rng.random() < PORTFOLIO_SHARE:
            patents += same_field[: rng.randint(1, 2)]
            for offer in patents[1:]:
                offers.remove(offer)
        topic_key = listings_text.FIELDS[first.field].topic_of(patent_subject(first.title, first.field))
        topic = listings_text.FIELDS[first.field].topics[topic_key]
        approach, advantage = rng.choice(topic.approaches), rng.choice(topic.advantages)
        if len(patents) == 1:
            kind = ListingKind.PATENT
            title = first.title
            if title in self.titles:  # the registry has a few patents of the same title: name the patent
                title = f"{title}（ZL{first.application_number}）"
            subject = patent_subject(first.title, first.field)
            if first.is_invention:
                body = f"该发明专利涉及{subject}，技术方案{approach}，{advantage}。"
            else:
                body = f"该实用新型专利涉及{subject}，结构简单、便于安装维护，{advantage}。"
            closing = listings_text.KIND_CLOSINGS["invention" if first.is_invention else "utility_model"]
            summary = f"{body}{closing}"
            trl = self.weighted({3: 2, 4: 5, 5: 6, 6: 5, 7: 3} if first.is_invention else {5: 2, 6: 4, 7: 4, 8: 2})
        else:
            kind = ListingKind.PORTFOLIO
            subjects = [patent_subject(p.title, p.field) for p in patents]
            template = listings_text.PORTFOLIO_TITLES[len(patents) > 2]
            title = template.format(a=subjects[0], b=subjects[1], n=len(patents))
            if title in self.titles:
                title = f"{organisation.name_zh}{title}"
            listed = "；".join(f"“{p.title}”" for p in patents)
            summary = (
                f"本组合包含{organisation.name_zh}持有的{len(patents)}件有效专利：{listed}。"
                f"相关技术{approach}，{advantage}。{listings_text.KIND_CLOSINGS['portfolio']}"
            )
            trl = self.weighted({4: 3, 5: 5, 6: 5, 7: 3})
        open_terms = first.open_licence if kind == ListingKind.PATENT else None
        tied = any(p.open_licence or p.licensed for p in patents)
        return {
            "kind": kind,
            "field": first.field,
            "topic": topic_key,
            "title_zh": title,
            "title_en": "",
            "summary_zh": summary,
            "trl": trl,
            "patents": tuple(p.application_number for p in patents),
            "terms": self.terms(kind, open_terms=open_terms, no_restrictive=tied),
        }

    def other_field(self, organisation: DemoOrganisation) -> str:
        """One of the organisation's fields, leaning towards the fields furthest behind their share of all listings."""
        total = sum(FIELD_WEIGHTS.values())
        return self.weighted(
            {
                key: max(FIELD_WEIGHTS[key] / total * (self.count + 1) - self.fields[key], 0) + 0.3
                for key in SUPPLIER_FIELDS[organisation.key]
            }
        )

    def subject(self, field: str, kind: str, options: Sequence[tuple]) -> tuple:
        """A subject not used yet for this field and kind, while any is left."""
        fresh = [option for option in options if (field, kind, option[0]) not in self.used_subjects]
        choice = self.rng.choice(fresh or list(options))
        self.used_subjects.add((field, kind, choice[0]))
        return choice

    def other_listing(self, organisation: DemoOrganisation) -> dict:
        """Software, know-how, a plant variety, an IC layout design or another research achievement."""
        rng = self.rng
        field = self.other_field(organisation)
        text = listings_text.FIELDS[field]
        kinds = {
            kind: weight
            for kind, weight in KIND_WEIGHTS.items()
            if (kind != ListingKind.IC_LAYOUT or text.chips) and (kind != ListingKind.PLANT_VARIETY or text.crops)
        }
        for _attempt in range(20):
            kind = self.weighted(kinds)
            title_zh, title_en, trl, summary, topic = self.describe(organisation, text, field, kind)
            if title_zh not in self.titles:
                break
        else:
            title_zh = f"{organisation.name_zh}{title_zh}"
        if rng.random() >= ENGLISH_TITLE_SHARE:
            title_en = ""
        return {
            "kind": kind,
            "field": field,
            "topic": topic,
            "title_zh": title_zh,
            "title_en": title_en,
            "summary_zh": summary,
            "trl": trl,
            "patents": (),
            "terms": self.terms(kind),
        }

    def describe(self, organisation: DemoOrganisation, text, field: str, kind: str) -> tuple[str, str, int, str, str]:
        """Title (Chinese, English), readiness level, summary and topic of a listing that is not a patent."""
        rng = self.rng
        team = f"{organisation.name_zh}科研团队"
        options = {
            ListingKind.SOFTWARE: text.software,
            ListingKind.KNOW_HOW: text.know_how,
            ListingKind.IC_LAYOUT: text.chips,
            ListingKind.ACHIEVEMENT: text.achievements,
        }
        if kind == ListingKind.PLANT_VARIETY:
            subject, topic_key = None, text.crop_topic
        else:
            subject = self.subject(field, kind, options[kind])
            topic_key = subject[-1]
        topic = text.topics[topic_key]
        approach, advantage = rng.choice(topic.approaches), rng.choice(topic.advantages)
        if kind == ListingKind.SOFTWARE:
            zh, en, _topic = subject
            template_zh, template_en = rng.choice(listings_text.SOFTWARE_TITLES)
            version = self.weighted({1: 4, 2: 3, 3: 2})
            title = template_zh.format(s=zh, v=version)
            feature = rng.choice(listings_text.SOFTWARE_FEATURES)
            summary = (
                f"{team}面向{rng.choice(topic.applications)}等场景开发了{title}。软件{feature}，{advantage}。"
                f"{listings_text.KIND_CLOSINGS['software']}"
            )
            return title, _capitalised(template_en.format(s=en, v=version)), rng.randint(6, 9), summary, topic_key
        if kind == ListingKind.KNOW_HOW:
            zh, en, sort, _topic = subject
            template_zh, template_en, (low, high) = rng.choice(listings_text.KNOW_HOW_TITLES[sort])
            summary = (
                f"{team}在{zh}方面积累了多年工程经验，{approach}，形成了完整的技术方案，{advantage}。"
                f"{listings_text.KIND_CLOSINGS['know_how']}"
            )
            return template_zh.format(s=zh), template_en.format(s=en), rng.randint(low, high), summary, topic_key
        if kind == ListingKind.IC_LAYOUT:
            zh, en, _topic = subject
            template_zh, template_en, (low, high) = listings_text.IC_LAYOUT_TITLE
            summary = f"本布图设计为{zh}，{approach}，{advantage}。{listings_text.KIND_CLOSINGS['ic_layout']}"
            return template_zh.format(s=zh), template_en.format(s=en), rng.randint(low, high), summary, topic_key
        if kind == ListingKind.PLANT_VARIETY:
            crop, mark = rng.choice(text.crops)
            prefix = VARIETY_PREFIXES.get(organisation.key, organisation.name_zh[:2])
            name = f"{prefix}{mark}{rng.randint(1, 30)}号"
            traits = "，".join(self.pick(listings_text.VARIETY_TRAITS, 2))
            closing = listings_text.KIND_CLOSINGS["plant_variety"]
            summary = f"“{name}”是{team}选育的{crop}新品种，{traits}，{advantage}。{closing}"
            title = listings_text.PLANT_VARIETY_TITLE.format(crop=crop, name=name)
            return title, "", rng.randint(8, 9), summary, topic_key
        zh, en, sort, _topic = subject
        template_zh, template_en, (low, high) = rng.choice(listings_text.ACHIEVEMENT_TITLES[sort])
        trl = rng.randint(low, high)
        closing = next(sentence for top, sentence in listings_text.ACHIEVEMENT_CLOSINGS if trl <= top)
        summary = f"本成果由{team}完成，{approach}，{advantage}。{closing}"
        return template_zh.format(s=zh), _capitalised(template_en.format(s=en)), trl, summary, topic_key

    # Deal terms -------------------------------------------------------------------------------------------------

    def terms(self, kind: str, open_terms: dict | None = None, no_restrictive: bool = False) -> tuple[DemoTerm, ...]:
        """One to three deal modes with indicative prices; an open licence only on its declared terms."""
        rng = self.rng
        count = self.weighted(TERM_COUNTS)
        terms = []
        weights = dict(MODE_WEIGHTS[kind])
        if open_terms is not None:
            terms.append(self.open_licence_term(open_terms))
            weights = {mode: weight for mode, weight in weights.items() if mode in BESIDE_OPEN_LICENCE}
            count -= 1
        elif no_restrictive:
            weights = {mode: weight for mode, weight in weights.items() if mode not in RESTRICTIVE_MODES}
        factor = 1.8 if kind == ListingKind.PORTFOLIO else 1
        for _ in range(count):
            if not weights:
                break
            mode = self.weighted(weights)
            del weights[mode]
            if mode in RESTRICTIVE_MODES:  # an exclusive and a sole licence are alternatives: offer one of them
                for other in RESTRICTIVE_MODES:
                    weights.pop(other, None)
            price = None if rng.random() < NEGOTIABLE_SHARE else self.wan(mode, factor)
            terms.append(DemoTerm(mode, price, rng.choice(listings_text.TERM_NOTES[mode])))
        return tuple(sorted(terms, key=lambda term: list(DealMode).index(term.mode)))

    def open_licence_term(self, declared: dict) -> DemoTerm:
        """The open licence as the registry's declaration states it: free, a fixed yearly fee or a royalty."""
        fee_type, fee = declared["fee_type"], declared.get("fee", "")  # a free licence states no fee
        note = listings_text.OPEN_LICENCE_NOTES[fee_type].format(fee=fee)
        if fee_type == "free":
            return DemoTerm(DealMode.OPEN_LICENCE, Decimal("0.00"), note)
        if fee_type == "royalty":
            return DemoTerm(DealMode.OPEN_LICENCE, None, note)
        return DemoTerm(DealMode.OPEN_LICENCE, Decimal(fee), note)


def plan_listings(
    count: int = LISTING_COUNT, patents: Sequence[DemoPatent] | None = None, seed: int = SEED
) -> tuple[DemoListing, ...]:
    """The demo listings: the same for the same arguments, and a prefix of a longer plan on the same registry."""
    planner = _Planner(plan_patents(PATENT_COUNT) if patents is None else patents, seed)
    return tuple(planner.listing() for _ in range(count))
