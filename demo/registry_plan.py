"""The plan behind the demo registry: which patents the demo universities hold and what happens to each, by date.

Everything here is decided before the database is touched: the tables of who
takes part and how often are in ``data/registry_plan.toml``, and
:func:`plan_patents` draws the patents and their stories from one seeded
generator, in date order, so that each service call :mod:`demo.registry`
makes from the plan is legal when it is made. Patents are planned one after
the other, so a shorter plan is the start of a longer one.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ip_registry import lifecycle
from ip_registry.choices import TRANSFER_KINDS, EntryKind, LegalStatus, LicenceType
from ip_registry.numbers import PatentType, check_character, parse_application_number

from . import registry_text
from .accounts import ENTERPRISES, ORGANISATIONS, PLEDGEES
from .loading import int_keys, read_data, tuples

_DATA = read_data("registry_plan")

SEED = 2026
PATENT_COUNT = 300
FILING_YEARS = range(2012, 2025)
FIRST_EVENT_DAY = datetime.date(2019, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)  # the demo's history ends with 2025
FEE_PAID_YEAR = 2027  # patents in force have paid the annual fee up to their anniversary in this year
# CNIPA's open-licence pilots started in 2022, after the 2020 Patent Law (arts. 50-52) took effect.
OPEN_LICENSING_FROM = datetime.date(2022, 1, 1)

# Filing years: applications grew year on year.
FILING_YEAR_WEIGHTS = {year: 10 + (year - 2012) for year in FILING_YEARS}
# The share of all transfers registered in each year: rising, so the dashboard's trend rises. Each story's
# first event goes to the year (within the patent's reach) furthest behind its share so far, which keeps the
# yearly counts close to these shares whatever the random draws.
TRANSFER_YEAR_SHARES: dict[int, float] = int_keys(_DATA["transfer_year_shares"])
TYPE_MIX = tuple((PatentType(patent_type), weight) for patent_type, weight in _DATA["type_mix"])
TYPE_DIGIT = {
    PatentType.INVENTION: "1",
    PatentType.UTILITY_MODEL: "2",
    PatentType.DESIGN: "3",
    PatentType.PCT_INVENTION: "8",
    PatentType.PCT_UTILITY_MODEL: "9",
}
# The serial's first digit as CNIPA hands them out: 0-1 inventions, 2 utility models, 3 designs, 0 PCT.
SERIAL_RANGES = {"1": (100_000, 1_999_999), "2": (2_000_000, 2_999_999), "3": (3_000_000, 3_999_999)}
SERIAL_RANGES["8"] = SERIAL_RANGES["9"] = (10_000, 999_999)
# Share of patents that have any story once granted (designs rarely change hands).
STORY_CHANCE: dict[PatentType, float] = {PatentType(key): chance for key, chance in _DATA["story_chance"].items()}
SHARE_SPLITS: tuple[tuple[int, int], ...] = tuples(_DATA["share_splits"])


def cross_province_share(year: int) -> float:
    """The share of a year's buyers sought in another province than the seller's: rising as the Delta integrates.

    Patents held jointly across provinces cross a border whoever buys them, so the registry's share ends up a
    few points higher.
    """
    return 0.2 + 0.025 * (year - FIRST_EVENT_DAY.year)


# --- Who takes part ---

SUPPLIER_FIELDS: dict[str, tuple[str, ...]] = {key: tuple(f) for key, f in _DATA["supplier_fields"].items()}
SUPPLIER_WEIGHTS: dict[str, int] = _DATA["supplier_weights"]
FIRM_FIELDS: dict[str, tuple[str, ...]] = {key: tuple(f) for key, f in _DATA["firm_fields"].items()}
# Firms still awaiting verification on the platform stay out of the registry's demo history.
BUYERS = tuple(org.key for org in ENTERPRISES if org.verified and org.key in FIRM_FIELDS)

# Firms that became joint-stock companies: the registry records the new name on their patents that day.
RENAMES: dict[str, tuple[datetime.date, str]] = {
    key: (row["date"], row["name"]) for key, row in _DATA["renames"].items()
}
OPEN_LICENCE: dict = _DATA["open_licence"]  # fee types by weight, the payment texts and the basis of the fee

ORGANISATIONS_BY_KEY = {org.key: org for org in (*ORGANISATIONS, *PLEDGEES)}


def _province(key: str) -> str:
    return ORGANISATIONS_BY_KEY[key].province


# --- The plan ---

Party = tuple[str, Decimal | None]  # an organisation key and, for owners, its share in per cent


@dataclass(frozen=True)
class PlannedEvent:
    """One ledger event after the grant; ``parties`` are the assignees, licensees, pledgees or the renamed holder."""

    kind: str
    registration_date: datetime.date
    parties: tuple[Party, ...] = ()
    execution_date: datetime.date | None = None
    registration_number: str = ""
    licence_type: str = ""
    term_start: datetime.date | None = None
    term_end: datetime.date | None = None
    details: dict = field(default_factory=dict)
    new_name: str = ""


@dataclass(frozen=True)
class DemoPatent:
    """A patent to seed and everything that happens to it, in date order."""

    application_number: str
    title: str
    abstract: str
    field: str  # key of registry_text.FIELDS
    filing_date: datetime.date
    holders: tuple[Party, ...]
    ipc_codes: tuple[str, ...]
    inventors: tuple[str, ...]
    grant_date: datetime.date | None
    annual_fee_paid_until: datetime.date | None
    has_evaluation_report: bool
    legal_status: str  # at the end of the story
    events: tuple[PlannedEvent, ...] = ()

    @property
    def patent_type(self) -> PatentType:
        return parse_application_number(self.application_number).patent_type

    @property
    def entry_count(self) -> int:
        """Ledger entries the patent gets: its application, its grant, its events, then its end, if it ended."""
        return 1 + bool(self.grant_date) + len(self.events) + bool(self.ended_on)

    @property
    def end_rule(self) -> tuple[str, datetime.date] | None:
        """Why the patent ended, as the daily legal-status update says it: the rule and the day it refers to."""
        if self.legal_status == LegalStatus.EXPIRED:
            return "term_ended", expiry_date(self.patent_type, self.filing_date)
        if self.legal_status == LegalStatus.LAPSED:
            return "grace_ended", self.annual_fee_paid_until
        return None

    @property
    def ended_on(self) -> datetime.date | None:
        """The day the registry records the patent's end: the day after its term, or after the fee's grace period."""
        if self.legal_status == LegalStatus.EXPIRED:
            return expiry_date(self.patent_type, self.filing_date) + _days(1)
        if self.legal_status == LegalStatus.LAPSED:
            return lifecycle.grace_period_last_day(self.annual_fee_paid_until) + _days(1)
        return None

    def organisation_keys(self) -> set[str]:
        return {key for key, _share in self.holders} | {key for e in self.events for key, _share in e.parties}


def _anniversary(day: datetime.date, year: int) -> datetime.date:
    return day.replace(year=year, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=year)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    return _anniversary(day, day.year + years)


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def expiry_date(patent_type: PatentType, filing_date: datetime.date) -> datetime.date:
    """The last day of protection: 20 years for inventions, 10 for utility models, 10 or 15 for designs."""
    return lifecycle.term_last_day(patent_type, filing_date)


class _Planner:
    """Draws the patents and their stories from one seeded generator."""

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
        self.numbers: set[str] = set()
        self.titles: set[str] = set()
        self.serials: Counter = Counter()
        self.transfers: Counter = Counter()  # planned transfers per registration year
        self.buyers: Counter = Counter()  # buyers chosen per year
        self.cross_buyers: Counter = Counter()  # of which sought in another province

    # Small draws ------------------------------------------------------------------------------------------------

    def weighted(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def day_in(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + _days(self.rng.randint(0, (end - start).days))

    def event_date(self, start: datetime.date, end: datetime.date) -> datetime.date | None:
        """A story's first day from start to end, in the year furthest behind its share; None if there is none."""
        start, end = max(start, FIRST_EVENT_DAY), min(end, LAST_DAY)
        if start > end:
            return None
        total = sum(self.transfers.values()) + 1
        year = max(
            range(start.year, end.year + 1),
            key=lambda y: (TRANSFER_YEAR_SHARES[y] * total - self.transfers[y], self.rng.random()),
        )
        return self.day_in(max(start, datetime.date(year, 1, 1)), min(end, datetime.date(year, 12, 31)))

    def later(self, after: datetime.date, end: datetime.date, low: int, high: int) -> datetime.date | None:
        day = after + _days(self.rng.randint(low, high))
        return day if day <= min(end, LAST_DAY) else None

    def number(self, year: int, patent_type: PatentType) -> str:
        digit = TYPE_DIGIT[patent_type]
        while True:
            digits = f"{year}{digit}{self.rng.randint(*SERIAL_RANGES[digit]):07d}"
            number = f"{digits}.{check_character(digits)}"
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def registration_number(self, letter: str, day: datetime.date, province: str) -> str:
        """A recordal number in CNIPA's style: X (licence) or Y (pledge), year, province, serial."""
        key = (letter, day.year, province[:2])
        self.serials[key] += self.rng.randint(1, 40)
        return f"{letter}{day.year}{province[:2]}{self.serials[key]:07d}"

    def person(self) -> str:
        given = "".join(self.rng.sample(registry_text.GIVEN, 2 if self.rng.random() < 0.65 else 1))
        return self.rng.choice(registry_text.SURNAMES) + given

    def buyer(self, field_key: str, sellers: Sequence[str], year: int, exclude: Sequence[str] = ()) -> str:
        """A demo firm to take a patent or licence, sought in another province as often as the year's share says."""
        seller_provinces = {_province(key) for key in sellers}
        self.buyers[year] += 1
        cross = self.cross_buyers[year] + 0.5 < cross_province_share(year) * self.buyers[year]
        self.cross_buyers[year] += cross
        pool = [key for key in BUYERS if (_province(key) in seller_provinces) != cross and key not in exclude]
        pool = pool or [key for key in BUYERS if key not in exclude]
        return self.weighted({key: 4 if field_key in FIRM_FIELDS[key] else 1 for key in pool})

    # The patent -------------------------------------------------------------------------------------------------

    def patent(self) -> DemoPatent:
        rng = self.rng
        field_key = self.weighted(registry_text.FIELD_WEIGHTS)
        text = registry_text.FIELDS[field_key]
        patent_type = self.weighted(dict(TYPE_MIX))
        is_invention = patent_type in (PatentType.INVENTION, PatentType.PCT_INVENTION)
        year = self.weighted(FILING_YEAR_WEIGHTS)
        while not is_invention and year == 2016:
            # A 2016 utility model or design expires in 2026: keep clear of the day the seed happens to run.
            year = self.weighted(FILING_YEAR_WEIGHTS)
        filing = self.day_in(datetime.date(year, 1, 4), datetime.date(year, 12, 28))
        owner = self.weighted(
            {key: SUPPLIER_WEIGHTS.get(key, 1.5) for key, f in SUPPLIER_FIELDS.items() if field_key in f}
        )
        holders = self.holders(owner, field_key)

        title, ipc_codes, abstract = self.description(text, patent_type)
        inventors = tuple(
            dict.fromkeys(self.person() for _ in range(rng.randint(1, 3) if not ipc_codes else rng.randint(2, 6)))
        )

        if is_invention:
            grant = filing + _days(rng.randint(540, 1500))
        elif patent_type == PatentType.DESIGN:
            grant = filing + _days(rng.randint(90, 240))
        else:
            grant = filing + _days(rng.randint(150, 360))
        expiry = expiry_date(patent_type, filing)
        end = LAST_DAY
        if grant > LAST_DAY:
            grant, status, fee_paid = None, LegalStatus.PENDING, None
        elif expiry <= LAST_DAY:
            status, fee_paid, end = LegalStatus.EXPIRED, expiry, expiry
        elif grant.year < LAST_DAY.year and rng.random() < 0.08:
            status = LegalStatus.LAPSED
            fee_paid = _anniversary(filing, rng.randint(max(grant.year + 1, 2020), LAST_DAY.year))
            end = fee_paid - _days(1)
        else:
            status, fee_paid = LegalStatus.VALID, _anniversary(filing, FEE_PAID_YEAR)
        events, open_licensed = self.story(patent_type, field_key, holders, grant, end, status, expiry, filing)
        self.transfers.update(e.registration_date.year for e in events if e.kind in TRANSFER_KINDS)
        return DemoPatent(
            application_number=self.number(year, patent_type),
            title=title,
            abstract=abstract,
            field=field_key,
            filing_date=filing,
            holders=holders,
            ipc_codes=ipc_codes,
            inventors=inventors,
            grant_date=grant,
            annual_fee_paid_until=fee_paid,
            has_evaluation_report=not is_invention and grant is not None and (open_licensed or rng.random() < 0.25),
            legal_status=status,
            events=tuple(events),
        )

    def holders(self, owner: str, field_key: str) -> tuple[Party, ...]:
        """Most patents have one owner; some are joint, with a partner in another province or a firm."""
        rng, province = self.rng, _province(owner)
        draw = rng.random()
        if draw < 0.06:
            partner = rng.choice([key for key in SUPPLIER_FIELDS if _province(key) != province])
        elif draw < 0.12:
            partner = rng.choice([key for key in SUPPLIER_FIELDS if _province(key) == province and key != owner])
        elif draw < 0.18:
            partner = rng.choice([key for key in BUYERS if _province(key) == province])
        else:
            return ((owner, Decimal(100)),)
        first, second = rng.choice(SHARE_SPLITS)
        return ((owner, Decimal(first)), (partner, Decimal(second)))

    def description(self, text: registry_text.Field, patent_type: PatentType) -> tuple[str, tuple[str, ...], str]:
        """Title, IPC codes and abstract; titles are not repeated while unused ones remain likely."""
        rng = self.rng
        for _attempt in range(20):
            if patent_type == PatentType.DESIGN:
                product, use = rng.choice(text.designs)
                if rng.random() < 0.6:  # a model designation, as in 充电桩（K300）
                    product += f"（{rng.choice('ABCEGHKMSTX')}{rng.randint(1, 9)}{rng.choice(('', '0', '00'))}）"
                title, ipc_codes, abstract = product, (), registry_text.design_brief(product, use)
            else:
                is_invention = patent_type in (PatentType.INVENTION, PatentType.PCT_INVENTION)
                template, main = rng.choice(text.inventions if is_invention else text.utility_models)
                title = template.format(tech=rng.choice(text.techniques))
                if not is_invention and rng.random() < 0.6:
                    title = "一种" + rng.choice(registry_text.UTILITY_MODEL_QUALIFIERS) + title.removeprefix("一种")
                extra = rng.sample(text.extra_ipc, rng.randint(0, 2))
                ipc_codes = tuple(dict.fromkeys((main, *extra)))
                kind = "invention" if is_invention else "utility_model"
                abstract = registry_text.abstract_for(text, title, kind, rng.sample)
            if title not in self.titles:
                break
        self.titles.add(title)
        return title, ipc_codes, abstract

    # The story --------------------------------------------------------------------------------------------------

    def story(self, patent_type, field_key, holders, grant, end, status, expiry, filing):
        """The events after the grant (or, for a pending application, an assignment of the right to apply)."""
        rng = self.rng
        owners = [key for key, _share in holders]
        if grant is None:
            if rng.random() < 0.3:
                day = self.event_date(filing + _days(90), end)
                if day:
                    return [self.assignment(day, field_key, owners, filing)], False
            return [], False
        start = grant + _days(20)
        if rng.random() >= STORY_CHANCE[patent_type] or max(start, FIRST_EVENT_DAY) > min(end, LAST_DAY):
            return [], False
        plot = self.weighted({"assign": 38, "restrictive": 18, "ordinary": 20, "open": 24})
        if plot == "open" and status == LegalStatus.VALID and max(start, OPEN_LICENSING_FROM) <= end:
            return self.open_story(field_key, owners, max(start, OPEN_LICENSING_FROM), end, expiry), True
        if plot == "assign":
            return self.assign_story(field_key, owners, start, end), False
        if plot == "restrictive":
            return self.restrictive_story(field_key, owners, start, end, expiry), False
        return self.ordinary_story(field_key, owners, start, end, expiry), False

    def assignment(self, day, field_key, owners, earliest, buyer=None) -> PlannedEvent:
        buyer = buyer or self.buyer(field_key, owners, day.year, exclude=owners)
        execution = max(earliest, day - _days(self.rng.randint(20, 120)))
        return PlannedEvent(EntryKind.ASSIGNMENT, day, ((buyer, None),), execution_date=execution)

    def licence(self, day, field_key, owners, earliest, expiry, licence_type, years, exclude=(), term_cap=None):
        licensee = self.buyer(field_key, owners, day.year, exclude=(*owners, *exclude))
        execution = max(earliest, day - _days(self.rng.randint(10, 80)))  # recorded within 3 months
        term_end = min(_add_years(execution, years) - _days(1), expiry, term_cap or expiry)
        return PlannedEvent(
            EntryKind.LICENCE,
            day,
            ((licensee, None),),
            execution_date=execution,
            registration_number=self.registration_number("X", day, _province(owners[0])),
            licence_type=licence_type,
            term_start=execution,
            term_end=term_end,
        )

    def assign_story(self, field_key, owners, start, end) -> list[PlannedEvent]:
        """Sold to a firm, which may pledge it for a loan and later sell it on; renamed if the firm was."""
        rng = self.rng
        day = self.event_date(start, end)
        events = [self.assignment(day, field_key, owners, start)]
        holder = events[-1].parties[0][0]
        pledged = False
        if rng.random() < 0.45 and (pledge_day := self.later(day, end, 60, 400)):
            pledgee = next((p.key for p in PLEDGEES if p.province == _province(holder)), PLEDGEES[0].key)
            events.append(
                PlannedEvent(
                    EntryKind.PLEDGE,
                    pledge_day,
                    ((pledgee, None),),
                    execution_date=pledge_day - _days(rng.randint(3, 20)),
                    registration_number=self.registration_number("Y", pledge_day, _province(holder)),
                    details={"secured_amount": f"{rng.choice((300, 500, 800, 1000, 1500, 2000))}0000.00"},
                )
            )
            pledged = True
            if release_day := self.later(pledge_day, end, 365, 1100):
                events.append(PlannedEvent(EntryKind.PLEDGE_RELEASE, release_day))
                pledged = False
        if not pledged and rng.random() < 0.25 and (resale := self.later(events[-1].registration_date, end, 200, 1200)):
            events.append(self.assignment(resale, field_key, [holder], events[-1].registration_date + _days(1)))
            holder = events[-1].parties[0][0]
        if holder in RENAMES:
            rename_day, new_name = RENAMES[holder]
            if events[-1].registration_date < rename_day <= end:
                events.append(PlannedEvent(EntryKind.NAME_CHANGE, rename_day, ((holder, None),), new_name=new_name))
        return events

    def restrictive_story(self, field_key, owners, start, end, expiry) -> list[PlannedEvent]:
        """An exclusive or sole licence of some years; the licensee sometimes buys the patent later."""
        rng = self.rng
        day = self.event_date(start, end)
        kind = LicenceType.EXCLUSIVE if rng.random() < 0.6 else LicenceType.SOLE
        events = [self.licence(day, field_key, owners, start, expiry, kind, rng.randint(3, 8))]
        if rng.random() < 0.35 and (sale := self.later(day, end, 365, 1500)):
            events.append(self.assignment(sale, field_key, owners, day + _days(1), buyer=events[0].parties[0][0]))
        return events

    def ordinary_story(self, field_key, owners, start, end, expiry) -> list[PlannedEvent]:
        """One to four ordinary licences to different firms; one of the licensees sometimes buys the patent."""
        rng = self.rng
        day, events, earliest = self.event_date(start, end), [], start
        for _ in range(self.weighted({1: 3, 2: 3, 3: 2, 4: 2})):
            taken = [e.parties[0][0] for e in events]
            events.append(
                self.licence(day, field_key, owners, earliest, expiry, LicenceType.ORDINARY, rng.randint(2, 5), taken)
            )
            earliest = day + _days(1)
            day = self.later(day, end, 90, 700)
            if day is None:
                break
        if rng.random() < 0.3 and (sale := self.later(events[-1].registration_date, end, 180, 900)):
            buyer = rng.choice(events)
            events.append(self.assignment(sale, field_key, owners, earliest, buyer=buyer.parties[0][0]))
        return events

    def open_story(self, field_key, owners, start, end, expiry) -> list[PlannedEvent]:
        """An open-licence declaration, then firms taking licences on its terms (and sometimes an ordinary licence)."""
        rng = self.rng
        day = self.event_date(start, end)
        fee_type = self.weighted(OPEN_LICENCE["fee_weights"])
        # Both amounts are drawn whatever the type, so the draws after them stay those of every earlier plan.
        fees = {
            "free": "0.00",
            "fixed": f"{rng.choice((2, 3, 5, 8, 10, 15, 20))}0000.00",
            "royalty": f"{rng.choice((2, 3, 5))}%",
        }
        terms = {"fee_type": fee_type, "fee": fees[fee_type], "payment": OPEN_LICENCE["payment"][fee_type]}
        terms["basis"] = OPEN_LICENCE["basis"]
        # Licences offered until the patent expires, or for five years (which runs past the day the seed is made).
        term_end = expiry if rng.random() < 0.6 else min(_add_years(day, 5), expiry)
        events = [PlannedEvent(EntryKind.OPEN_LICENCE_DECLARATION, day, term_end=term_end, details=terms)]
        for _ in range(self.weighted({1: 2, 2: 3, 3: 3, 4: 2, 5: 1})):
            day = self.later(day, end, 20, 500)
            if day is None:
                break
            kind = LicenceType.ORDINARY if rng.random() < 0.15 else LicenceType.OPEN
            taken = [e.parties[0][0] for e in events if e.parties]
            events.append(
                self.licence(
                    day,
                    field_key,
                    owners,
                    events[-1].registration_date + _days(1),
                    expiry,
                    kind,
                    rng.randint(1, 3),
                    taken,
                    term_end,
                )
            )
        return events


def plan_patents(count: int = PATENT_COUNT, seed: int = SEED) -> tuple[DemoPatent, ...]:
    """The demo patents and their stories: the same for the same arguments, and a prefix of a longer plan."""
    planner = _Planner(seed)
    return tuple(planner.patent() for _ in range(count))
