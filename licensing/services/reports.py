"""Royalty reports: for an open licence with a running royalty and a revenue-share pay-later agreement, the licensee
reports each period's net sales (or profit), the royalty is worked out from the published rate, and the licensor
accepts it or disputes it with a reason. The clock reminds a report on its due date and escalates it later."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ip_registry.ledger import add_months
from techmarket.accounts.permissions import platform_staff_emails
from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit

from .. import permissions
from ..choices import (
    PERIOD_MONTHS,
    ZERO,
    PaymentForm,
    PaymentPurpose,
    ReportingPeriod,
    ReportStatus,
    RoyaltyBase,
)
from ..exceptions import LicensingError
from ..models import Agreement, OpenLicence, RoyaltyReport

CENT = Decimal("0.01")
# A period's report is due this many days after the period ends.
REPORT_DUE_DAYS = 30
# A revenue-share agreement has no end date: its periods are written this far ahead (more when they run out).
AGREEMENT_REPORT_YEARS = 5
# Submitted figures are checked against this (a typing slip of several zeros is refused, not reported).
MAX_BASE_AMOUNT = Decimal("999999999999.99")


def _owner(report: RoyaltyReport) -> OpenLicence | Agreement:
    return report.licence if report.licence_id else report.agreement


def report_url(report: RoyaltyReport, *, licensor: bool = False) -> str:
    """The licensee's submit page, or the licensor's page to accept or dispute."""
    return reverse("licensing:report_decide" if licensor else "licensing:report_submit", args=[report.pk])


@transaction.atomic
def reports_schedule(
    *, licence: OpenLicence | None = None, agreement: Agreement | None = None, start: datetime.date, end=None
) -> list[RoyaltyReport]:
    """Write the reporting periods from ``start`` (to the licence's end, or some years ahead for an agreement),
    each due ``REPORT_DUE_DAYS`` after it ends. Periods already written are kept: calling it again adds nothing."""
    if (licence is None) == (agreement is None):
        raise ValueError("reports are scheduled for one licence or one agreement")
    if licence is not None:
        if not licence.has_royalty:
            return []
        period, base, rate = licence.reporting_period, licence.royalty_base, licence.royalty_rate
        end = end or licence.term_end
    else:
        if agreement.payment_form != PaymentForm.REVENUE_SHARE:
            return []
        period, base, rate = agreement.reporting_period, RoyaltyBase.NET_SALES, agreement.revenue_share
        end = end or add_months(start, 12 * AGREEMENT_REPORT_YEARS) - datetime.timedelta(days=1)
    months = PERIOD_MONTHS[ReportingPeriod(period or ReportingPeriod.QUARTER)]
    owner = {"licence": licence} if licence is not None else {"agreement": agreement}
    reports = []
    period_start, index = start, 0
    while period_start <= end:
        index += 1
        period_end = min(add_months(start, months * index) - datetime.timedelta(days=1), end)
        report, _created = RoyaltyReport.objects.get_or_create(
            **owner,
            period_start=period_start,
            defaults={
                "period_end": period_end,
                "due_on": period_end + datetime.timedelta(days=REPORT_DUE_DAYS),
                "base": base or RoyaltyBase.NET_SALES,
                "rate": rate or ZERO,
            },
        )
        reports.append(report)
        period_start = period_end + datetime.timedelta(days=1)
    return reports


def report_royalty(report: RoyaltyReport, base_amount: Decimal) -> Decimal:
    """The royalty on ``base_amount`` at the report's rate (what the submit page previews); under a pay-later cap,
    no more than is left under it."""
    royalty = (Decimal(base_amount) * report.rate / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    if report.agreement_id and report.agreement.cap is not None:
        from .paylater import amount_scheduled

        left = max(report.agreement.cap - amount_scheduled(report.agreement), ZERO)
        royalty = min(royalty, left)
    return royalty


def can_submit(user, report: RoyaltyReport) -> bool:
    return permissions.is_member(user, _owner(report).licensee)


def can_decide(user, report: RoyaltyReport) -> bool:
    return permissions.is_admin(user, _owner(report).licensor)


def _emails(organisation) -> list[str]:
    return [m.user.email for m in organisation.memberships.admins().select_related("user")]


def _email(report: RoyaltyReport, template: str, to: list[str], *, licensor: bool = False, **context) -> None:
    owner = _owner(report)
    with translation.override(settings.LANGUAGE_CODE):
        base = str(RoyaltyBase(report.base).label)
    email_on_commit(
        template=template,
        to=to,
        context={
            "reference": owner.reference,
            "licensor": owner.licensor.name_zh,
            "licensee": owner.licensee.name_zh,
            "period_start": report.period_start.isoformat(),
            "period_end": report.period_end.isoformat(),
            "due_on": report.due_on.isoformat(),
            "base": base,
            "base_amount": f"{report.base_amount:,.2f}" if report.base_amount is not None else "",
            "royalty": f"{report.royalty:,.2f}" if report.royalty is not None else "",
            "url": absolute_url(report_url(report, licensor=licensor)),
            **context,
        },
    )


def _locked(report: RoyaltyReport) -> RoyaltyReport:
    return (
        RoyaltyReport.objects.select_for_update(of=("self",))
        .select_related("licence__licensor", "licence__licensee", "agreement__licensor", "agreement__licensee")
        .get(pk=report.pk)
    )


@transaction.atomic
def report_submit(*, actor, report: RoyaltyReport, base_amount: Decimal) -> RoyaltyReport:
    """The licensee reports the period's net sales or profit; the royalty is worked out from the rate. A disputed
    report may be submitted again with corrected figures."""
    report = _locked(report)
    if actor is not None and not can_submit(actor, report):
        raise PermissionDenied
    if report.status not in (ReportStatus.DUE, ReportStatus.DISPUTED):
        raise LicensingError(
            _("This report is %(status)s: it cannot be submitted again.") % {"status": report.get_status_display()}
        )
    try:
        base_amount = Decimal(base_amount).quantize(CENT, rounding=ROUND_HALF_UP)
    except (ArithmeticError, TypeError, ValueError):
        raise LicensingError(_("Give the amount in yuan, such as 125000.00.")) from None
    if base_amount < ZERO or base_amount > MAX_BASE_AMOUNT:
        raise LicensingError(_("The amount cannot be negative or that large: give the period's figure in yuan."))
    report.base_amount = base_amount
    report.royalty = report_royalty(report, base_amount)
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = actor if getattr(actor, "is_authenticated", False) else None
    report.submitted_at = timezone.now()
    report.dispute_reason = ""
    report.save()
    audit_record(
        actor=actor,
        action="report.submit",
        target=report,
        summary=f"¥{base_amount:,.2f} → ¥{report.royalty:,.2f}",
        data={"base_amount": str(base_amount), "royalty": str(report.royalty)},
    )
    _email(report, "report_submitted", _emails(_owner(report).licensor), licensor=True)
    return report


@transaction.atomic
def report_accept(*, actor, report: RoyaltyReport, on: datetime.date) -> RoyaltyReport:
    """The licensor accepts the report: the royalty becomes money owed (an instalment of a revenue-share agreement,
    a royalty payment of an open licence)."""
    report = _locked(report)
    if actor is not None and not can_decide(actor, report):
        raise PermissionDenied
    if report.status != ReportStatus.SUBMITTED:
        raise LicensingError(
            _("This report is %(status)s: only a submitted report is accepted or disputed.")
            % {"status": report.get_status_display()}
        )
    report.status = ReportStatus.ACCEPTED
    report.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    report.decided_at = timezone.now()
    if report.royalty and report.royalty > ZERO:
        if report.agreement_id:
            from .paylater import PAYMENT_TERM_DAYS, instalment_add

            instalment_add(
                agreement=report.agreement,
                amount=report.royalty,
                due_on=on + datetime.timedelta(days=PAYMENT_TERM_DAYS),
            )
        else:
            from ..payments.services import payment_create

            licence = report.licence
            with translation.override(settings.LANGUAGE_CODE):
                description = _("Royalty of licence %(reference)s, %(start)s to %(end)s") % {
                    "reference": licence.reference,
                    "start": report.period_start.isoformat(),
                    "end": report.period_end.isoformat(),
                }
            report.payment = payment_create(
                purpose=PaymentPurpose.ROYALTY,
                description=description,
                amount=report.royalty,
                payer=licence.licensee,
                payee=licence.licensor,
                actor=actor,
            )
    report.save()
    audit_record(actor=actor, action="report.accept", target=report, summary=f"¥{report.royalty:,.2f}")
    _email(report, "report_decided", _emails(_owner(report).licensee), accepted=True, reason="")
    return report


@transaction.atomic
def report_dispute(*, actor, report: RoyaltyReport, reason: str) -> RoyaltyReport:
    """The licensor disputes the figures, with the reason; the licensee may submit corrected ones."""
    report = _locked(report)
    if actor is not None and not can_decide(actor, report):
        raise PermissionDenied
    if report.status != ReportStatus.SUBMITTED:
        raise LicensingError(
            _("This report is %(status)s: only a submitted report is accepted or disputed.")
            % {"status": report.get_status_display()}
        )
    reason = (reason or "").strip()
    if not reason:
        raise LicensingError(_("Say what is disputed: the licensee reads it and corrects the report."))
    report.status = ReportStatus.DISPUTED
    report.dispute_reason = reason[:500]
    report.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    report.decided_at = timezone.now()
    report.save()
    audit_record(actor=actor, action="report.dispute", target=report, summary=reason[:200])
    _email(report, "report_decided", _emails(_owner(report).licensee), accepted=False, reason=reason)
    return report


def _live(report: RoyaltyReport) -> bool:
    from ..choices import LicenceStatus
    from .paylater import LIVE_STATES

    if report.licence_id:
        return report.licence.status == LicenceStatus.IN_FORCE
    return report.agreement.state in LIVE_STATES


def reports_remind(*, on: datetime.date) -> tuple[int, int]:
    """Remind the licensee of each report due and not in; escalate to the licensor and the platform staff those
    ``REPORT_ESCALATION_DAYS`` late. Each report is reminded once and escalated once."""
    from ..choices import REPORT_ESCALATION_DAYS

    reminded = escalated = 0
    due = RoyaltyReport.objects.filter(status=ReportStatus.DUE, due_on__lte=on).select_related(
        "licence__licensor", "licence__licensee", "agreement__licensor", "agreement__licensee"
    )
    for report in due.filter(reminded_at__isnull=True):
        if not _live(report):
            continue
        with transaction.atomic():
            updated = RoyaltyReport.objects.filter(pk=report.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if updated:
                audit_record(actor=None, action="report.remind", target=report, summary=report.due_on.isoformat())
                owner = _owner(report)
                _email(report, "report_reminder", _emails(owner.licensee))
                reminded += 1
    late = due.filter(escalated_at__isnull=True, due_on__lte=on - datetime.timedelta(days=REPORT_ESCALATION_DAYS))
    for report in late:
        if not _live(report):
            continue
        with transaction.atomic():
            updated = RoyaltyReport.objects.filter(pk=report.pk, escalated_at__isnull=True).update(
                escalated_at=timezone.now()
            )
            if updated:
                audit_record(actor=None, action="report.escalate", target=report, summary=report.due_on.isoformat())
                owner = _owner(report)
                _email(
                    report,
                    "report_escalated",
                    _emails(owner.licensor) + platform_staff_emails(),
                    licensor=True,
                    days_late=(on - report.due_on).days,
                )
                escalated += 1
    return reminded, escalated
