"""What licensing shows: the licences, agreements, declarations, payments and reports a user's organisations are
party to, each read in a fixed number of queries whatever the list's length.

Licences and agreements come with what the "my licences" page and the API show of them: the state, the next
payment due (:func:`next_payment`: the earliest pending payment or unpaid instalment), the written notice, the
reports due (from the licensee) and the reports awaiting the licensor's answer. Everything is read from rows
fetched with ``select_related``/``prefetch_related``; nothing here queries per row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from techmarket.accounts.choices import MembershipStatus

from .choices import DeclarationStatus, FeeType, InstalmentStatus, PaymentState, ReportStatus
from .models import Agreement, Declaration, Instalment, OpenLicence, Payment, RoyaltyReport

HELD, GRANTED = "held", "granted"
SIDES = (HELD, GRANTED)
UNPAID_INSTALMENTS = (
    InstalmentStatus.SCHEDULED,
    InstalmentStatus.INVOICED,
    InstalmentStatus.ACTION_REQUIRED,
    InstalmentStatus.OVERDUE,
)


def _organisations(user):
    """The pks of the organisations the user is an active member of (a subquery; none for anonymous users)."""
    from techmarket.accounts.models import Organisation

    if not (user and user.is_authenticated):
        return Organisation.objects.none().values("pk")
    return Organisation.objects.filter(memberships__user=user, memberships__status=MembershipStatus.ACTIVE).values("pk")


def _side_filter(user, side: str, licensor: str = "licensor", licensee: str = "licensee") -> Q:
    mine = _organisations(user)
    if side == HELD:
        return Q(**{f"{licensee}__in": mine})
    if side == GRANTED:
        return Q(**{f"{licensor}__in": mine})
    return Q(**{f"{licensee}__in": mine}) | Q(**{f"{licensor}__in": mine})


# Reading -------------------------------------------------------------------------------------------------------


def _reports() -> Prefetch:
    return Prefetch("reports", queryset=RoyaltyReport.objects.select_related("payment").order_by("due_on", "pk"))


def licences(user, *, side: str = "", status: str = "") -> QuerySet[OpenLicence]:
    """The open licences the user's organisations hold (``side="held"``), granted (``"granted"``), or either."""
    queryset = OpenLicence.objects.filter(_side_filter(user, side))
    if status:
        queryset = queryset.filter(status=status)
    return (
        queryset.select_related("licensor", "licensee", "declaration", "payment", "notice")
        .prefetch_related("patents", _reports())
        .order_by("-created_at", "-pk")
    )


def agreements(user, *, side: str = "", state: str = "") -> QuerySet[Agreement]:
    """The pay-later agreements the user's organisations entered as licensee (``"held"``), as licensor
    (``"granted"``), or either."""
    queryset = Agreement.objects.filter(_side_filter(user, side))
    if state:
        queryset = queryset.filter(state=state)
    unpaid = Instalment.objects.filter(status__in=UNPAID_INSTALMENTS).select_related("payment").order_by("due_on")
    return (
        queryset.select_related("licensor", "licensee", "listing", "fund")
        .prefetch_related(Prefetch("instalment_rows", queryset=unpaid, to_attr="unpaid_instalments"), _reports())
        .order_by("-created_at", "-pk")
    )


def declarations_of(user, *, status: str = "") -> QuerySet[Declaration]:
    """The declarations of the user's organisations, in any status."""
    queryset = Declaration.objects.filter(licensor__in=_organisations(user))
    if status:
        queryset = queryset.filter(status=status)
    return _declaration_rows(queryset)


def visible_declarations(user, *, status: str = "") -> QuerySet[Declaration]:
    """Declarations in force (public, like listings) and, for their members, their organisations' own."""
    queryset = Declaration.objects.filter(Q(status=DeclarationStatus.IN_FORCE) | Q(licensor__in=_organisations(user)))
    if status:
        queryset = queryset.filter(status=status)
    return _declaration_rows(queryset)


def _declaration_rows(queryset) -> QuerySet[Declaration]:
    return queryset.select_related("licensor").prefetch_related("patents").order_by("-created_at", "-pk")


def payments(user, *, state: str = "") -> QuerySet[Payment]:
    """The payments the user's organisations make or receive."""
    queryset = Payment.objects.filter(_side_filter(user, "", licensor="payee", licensee="payer"))
    if state:
        queryset = queryset.filter(state=state)
    return queryset.select_related("payer", "payee").order_by("-created_at", "-pk")


def reports(user, *, side: str = "", status: str = "") -> QuerySet[RoyaltyReport]:
    """The royalty reports of the licences and agreements the user's organisations are party to: as licensee
    (``"held"``: theirs to submit), as licensor (``"granted"``: theirs to answer), or either."""
    party = _side_filter(user, side, "licence__licensor", "licence__licensee") | _side_filter(
        user, side, "agreement__licensor", "agreement__licensee"
    )
    queryset = RoyaltyReport.objects.filter(party)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("licence", "agreement", "payment").order_by("due_on", "pk")


def reports_due(user) -> QuerySet[RoyaltyReport]:
    """Reports the user's organisations owe as licensees, the earliest due first."""
    return reports(user, side=HELD, status=ReportStatus.DUE)


def reports_awaiting_answer(user) -> QuerySet[RoyaltyReport]:
    """Reports submitted to the user's organisations as licensors, awaiting their acceptance or dispute."""
    return reports(user, side=GRANTED, status=ReportStatus.SUBMITTED)


# What each row shows (from the prefetched rows) -----------------------------------------------------------------


@dataclass(frozen=True)
class NextPayment:
    """The next amount owed under a licence or an agreement."""

    amount: Decimal
    due_on: datetime.date | None
    description: str
    payment: Payment | None = None


def _payment_due(payment: Payment) -> datetime.date | None:
    return payment.expires_at.date() if payment.expires_at else None


def next_payment(obj: OpenLicence | Agreement) -> NextPayment | None:
    """The earliest pending payment or unpaid instalment of a licence or an agreement read through
    :func:`licences` or :func:`agreements` (no query)."""
    candidates: list[NextPayment] = []
    if isinstance(obj, OpenLicence):
        if obj.payment is not None and obj.payment.state == PaymentState.PENDING:
            candidates.append(NextPayment(obj.payment.amount, _payment_due(obj.payment), _("fee"), obj.payment))
    else:
        for instalment in obj.unpaid_instalments:
            if instalment.payment is not None and instalment.payment.state != PaymentState.PENDING:
                continue
            description = _("instalment %(number)s") % {"number": instalment.number}
            candidates.append(NextPayment(instalment.amount, instalment.due_on, description, instalment.payment))
    for report in obj.reports.all():
        if report.payment is not None and report.payment.state == PaymentState.PENDING:
            candidates.append(NextPayment(report.payment.amount, report.due_on, _("royalty"), report.payment))
    if not candidates:
        return None
    return min(candidates, key=lambda c: (c.due_on is None, c.due_on or datetime.date.max))


def due_reports(obj: OpenLicence | Agreement) -> list[RoyaltyReport]:
    """Its reports the licensee has still to submit (no query)."""
    return [report for report in obj.reports.all() if report.status == ReportStatus.DUE]


def reports_to_answer(obj: OpenLicence | Agreement) -> list[RoyaltyReport]:
    """Its reports submitted and awaiting the licensor's answer (no query)."""
    return [report for report in obj.reports.all() if report.status == ReportStatus.SUBMITTED]


def notice_of(licence: OpenLicence):
    """The licence's written notice, or ``None`` before one is confirmed (no query)."""
    try:
        return licence.notice
    except OpenLicence.notice.RelatedObjectDoesNotExist:
        return None


def _yuan(amount: Decimal) -> str:
    return f"¥{amount:,.2f}".removesuffix(".00")


def published_terms(terms) -> str:
    """A declaration's (or licence's) fee in a few words (免费, 一次性 ¥50,000, 净销售额 3%)."""
    if terms.fee_type == FeeType.FREE:
        return _("free")
    if terms.fee_type == FeeType.LUMP_SUM:
        return _("lump sum %(amount)s") % {"amount": _yuan(terms.lump_sum or Decimal(0))}
    rate = f"{(terms.royalty_rate or Decimal(0)).normalize():f}"
    base = _("of profit") if terms.royalty_base == "profit" else _("of net sales")
    royalty = _("%(rate)s%% %(base)s") % {"rate": rate, "base": base}
    if terms.fee_type == FeeType.ENTRY_PLUS_ROYALTY:
        return _("entry fee %(amount)s + %(royalty)s") % {
            "amount": _yuan(terms.entry_fee or Decimal(0)),
            "royalty": royalty,
        }
    return royalty
