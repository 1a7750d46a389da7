"""When a patent's term ends and what its annual fee says about it on a given day: date rules, free of the database.

- Term (Patent Law art. 42), counted from the filing date: inventions 20 years,
  utility models 10, designs 10 if filed before 2021-06-01 and 15 from then on.
  A utility model filed on 1999-09-06 is protected until 2009-09-05 and ends on
  2009-09-06 (CNIPA's own example); a period counted in years or months ends on
  the corresponding day, or on the month's last day where it has none
  (Implementing Regulations on time limits).
- Annual fees: ``annual_fee_paid_until`` is the filing-date anniversary on which
  the next fee falls due. From the day after, the patent is in the grace period:
  six months to pay with a surcharge (art. 43 and the Implementing Regulations);
  after that the right ends, from the day the fee was due (art. 44).

Term extensions (art. 42, for delays in examination and for new drugs) are not
modelled: the registry does not know them.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from .choices import IN_FORCE_STATUSES, LegalStatus
from .numbers import PatentType

INVENTION_TYPES = (PatentType.INVENTION, PatentType.PCT_INVENTION)
LONGER_DESIGN_TERM_FROM = datetime.date(2021, 6, 1)  # the fourth amendment of the Patent Law
SHORTEST_TERM_YEARS = 10
GRACE_MONTHS = 6
ONE_DAY = datetime.timedelta(days=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The corresponding day ``months`` later (or earlier), or the month's last day where it has none."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)


def term_years(patent_type: str, filing_date: datetime.date) -> int:
    if patent_type in INVENTION_TYPES:
        return 20
    if patent_type == PatentType.DESIGN and filing_date >= LONGER_DESIGN_TERM_FROM:
        return 15
    return 10


def term_last_day(patent_type: str, filing_date: datetime.date) -> datetime.date:
    """The last day the patent is protected: the day before the anniversary its term ends on."""
    return add_years(filing_date, term_years(patent_type, filing_date)) - ONE_DAY


def grace_period_last_day(fee_due: datetime.date) -> datetime.date:
    """The last day an annual fee due on ``fee_due`` may still be paid, with a surcharge."""
    return add_months(fee_due, GRACE_MONTHS)


@dataclass(frozen=True)
class StatusDue:
    """The status a patent should have on a day, from which day, and which rule says so."""

    status: str
    effective: datetime.date
    rule: str  # "term_ended", "fee_overdue", "grace_ended" or "fee_paid"
    on: datetime.date  # the date the rule refers to: the term's last day, or the day the fee was due


def status_due(
    *,
    status: str,
    patent_type: str,
    filing_date: datetime.date | None,
    fee_paid_until: datetime.date | None,
    on: datetime.date,
    restored: str = LegalStatus.VALID,
) -> StatusDue | None:
    """What the term and the annual fee make of a patent in force on the day ``on``; None if nothing changes.

    ``restored`` is the status a patent returns to when its fee is paid in the grace period (a patent invalidated
    in part stays so). Whichever of the term's end and the grace period's end comes first decides.
    Patents not in force are left alone: only a person can restore them.
    """
    if status not in IN_FORCE_STATUSES:
        return None
    last_day = term_last_day(patent_type, filing_date) if filing_date else None
    overdue = fee_paid_until is not None and fee_paid_until < on and (last_day is None or fee_paid_until < last_day)
    if overdue:
        grace_ends = grace_period_last_day(fee_paid_until)
        if grace_ends < on and (last_day is None or grace_ends < last_day):
            due = StatusDue(LegalStatus.LAPSED, grace_ends + ONE_DAY, "grace_ended", fee_paid_until)
        elif last_day is not None and last_day < on:
            due = StatusDue(LegalStatus.EXPIRED, last_day + ONE_DAY, "term_ended", last_day)
        else:
            due = StatusDue(LegalStatus.GRACE_PERIOD, fee_paid_until + ONE_DAY, "fee_overdue", fee_paid_until)
    elif last_day is not None and last_day < on:
        due = StatusDue(LegalStatus.EXPIRED, last_day + ONE_DAY, "term_ended", last_day)
    elif status == LegalStatus.GRACE_PERIOD:
        due = StatusDue(restored, on, "fee_paid", fee_paid_until or on)
    else:
        return None
    return None if due.status == status else due


def latest_filing_to_expire(on: datetime.date, *, invention: bool) -> datetime.date:
    """A day after which no patent (an invention, or any other) can have been filed if its term ended by ``on``.

    A day later than strictly needed, so that a filing date on 29 February is never missed.
    """
    return add_years(on, -(20 if invention else SHORTEST_TERM_YEARS)) + ONE_DAY
