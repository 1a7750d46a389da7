"""The pay-later clock: the moves nobody asks for, made once a day by ``manage.py run_licensing_clock``.

Each step selects only what has not been done yet (a trial not yet asked, an instalment not yet invoiced, an
agreement still in the state the step moves it from), so running the clock twice on one day changes nothing the
second time. Each agreement is moved in its own transaction: one that fails does not hold up the others.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, fields

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from ..choices import OVERDUE_DAYS_TO_GRACE, AgreementState, Gateway, InstalmentStatus, PaymentState
from ..exceptions import LicensingError
from ..models import Agreement, Instalment, SavedPaymentMethod
from ..payments import saved_methods, stripe_gateway
from . import claims, paylater, reports

logger = logging.getLogger(__name__)

# Invoiced and not paid yet: awaiting a transfer, or awaiting the firm after its saved card could not be charged.
_AWAITING = (InstalmentStatus.INVOICED, InstalmentStatus.ACTION_REQUIRED)


@dataclass
class ClockReport:
    """What one run of the clock did."""

    asked: int = 0
    converted: int = 0
    invoiced: int = 0
    reminded: int = 0
    charged: int = 0
    action_required: int = 0
    overdue: int = 0
    grace: int = 0
    defaulted: int = 0
    claims: int = 0
    reports_reminded: int = 0
    reports_escalated: int = 0

    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


def _each(queryset, step, report: ClockReport, counter: str, on: datetime.date) -> None:
    for obj in queryset:
        try:
            with transaction.atomic():
                if step(obj, on):
                    setattr(report, counter, getattr(report, counter) + 1)
        except LicensingError as error:  # moved by someone else since it was selected: leave it
            logger.warning("licensing clock: %s %s: %s", counter, obj, error)


def _ask(agreement: Agreement, on) -> bool:
    return paylater.agreement_ask_decision(agreement=agreement, on=on).decision_deadline is not None


def _convert(agreement: Agreement, on) -> bool:
    paylater.agreement_convert(actor=None, agreement=agreement, on=on)
    return True


def _invoice(instalment: Instalment, on) -> bool:
    instalment = Instalment.objects.select_for_update(of=("self",)).select_related("payment").get(pk=instalment.pk)
    payment = instalment.payment
    if payment is not None and payment.state not in (PaymentState.EXPIRED, PaymentState.FAILED):
        return False
    # Not invoiced yet, or its bank-transfer reference lapsed unpaid: a fresh reference.
    paylater.instalment_invoice(instalment=instalment, on=on)
    return True


def _charge(instalment: Instalment, on, report: ClockReport) -> bool:
    """Charge an invoiced instalment to the firm's saved card, off-session; one its bank wants authenticated, or
    declines, waits for the firm (action required, and an e-mail with the link to pay it on the site)."""
    instalment = (
        Instalment.objects.select_for_update(of=("self",)).select_related("payment", "agreement").get(pk=instalment.pk)
    )
    method = saved_methods.saved_method_for(instalment.agreement.licensee, instalment.agreement)
    if method is None or instalment.payment is None or instalment.status != InstalmentStatus.INVOICED:
        return False
    status = saved_methods.payment_charge_saved(payment=instalment.payment, method=method)
    if saved_methods.needs_the_payer(status):
        instalment.refresh_from_db()
        paylater.instalment_action_required(instalment=instalment, reason=saved_methods.reason_for_payer(status))
        report.action_required += 1
    return status is not None


def _remind(instalment: Instalment, on) -> bool:
    updated = Instalment.objects.filter(pk=instalment.pk, reminded_at__isnull=True).update(reminded_at=timezone.now())
    if updated:
        paylater.instalment_remind(instalment=instalment, on=on)
    return bool(updated)


def _overdue(instalment: Instalment, on) -> bool:
    updated = Instalment.objects.filter(pk=instalment.pk, status__in=_AWAITING).update(status=InstalmentStatus.OVERDUE)
    agreement = instalment.agreement
    if updated and Agreement.objects.filter(pk=agreement.pk, state=AgreementState.PAYING).exists():
        paylater.agreement_mark_overdue(agreement=agreement, on=on)
    return bool(updated)


def _grace(agreement: Agreement, on) -> bool:
    paylater.agreement_grace(agreement=agreement, on=on)
    return True


def _default(agreement: Agreement, on) -> bool:
    paylater.agreement_default(agreement=agreement, on=on)
    return True


def _claim(agreement: Agreement, on) -> bool:
    claims.claim_open(agreement=agreement, on=on)
    return True


def licensing_clock(*, on: datetime.date) -> ClockReport:
    """Make the day's moves: ask trials at their decision date, convert the unanswered, invoice instalments (and
    charge them to a saved card), remind them, mark the unpaid overdue, then grace, then defaulted (with a claim on
    the fund if covered), and remind and escalate royalty reports."""
    report = ClockReport()
    trials = Agreement.objects.filter(state=AgreementState.TRIAL)
    _each(trials.filter(decision_date__lte=on, decision_asked_at__isnull=True), _ask, report, "asked", on)
    _each(trials.filter(decision_deadline__lt=on), _convert, report, "converted", on)

    live = (AgreementState.PAYING, AgreementState.OVERDUE, AgreementState.GRACE)
    instalments = Instalment.objects.filter(agreement__state__in=live).select_related("agreement")
    ahead = on + datetime.timedelta(days=paylater.INVOICE_DAYS_AHEAD)
    to_invoice = instalments.filter(due_on__lte=ahead).filter(
        status__in=(InstalmentStatus.SCHEDULED, *_AWAITING, InstalmentStatus.OVERDUE)
    )
    to_invoice = to_invoice.exclude(
        payment__state__in=(PaymentState.PENDING, PaymentState.SUCCEEDED, PaymentState.REFUNDED)
    )
    _each(to_invoice, _invoice, report, "invoiced", on)
    if stripe_gateway.enabled():
        # Invoiced by bank transfer and never charged yet, to a firm with a saved card: charged off-session.
        cards = SavedPaymentMethod.objects.usable().filter(organisation=OuterRef("agreement__licensee"))
        to_charge = (
            instalments.filter(
                status=InstalmentStatus.INVOICED,
                payment__state=PaymentState.PENDING,
                payment__gateway=Gateway.BANK_TRANSFER,
            )
            .filter(Exists(cards))
            .exclude(payment__transactions__operation="charge_saved")
        )
        _each(to_charge, lambda instalment, day: _charge(instalment, day, report), report, "charged", on)
    to_remind = instalments.filter(status__in=_AWAITING, due_on__lte=on, reminded_at__isnull=True)
    _each(to_remind, _remind, report, "reminded", on)
    _each(instalments.filter(status__in=_AWAITING, due_on__lt=on), _overdue, report, "overdue", on)

    grace_from = on - datetime.timedelta(days=OVERDUE_DAYS_TO_GRACE)
    overdue = Agreement.objects.filter(state=AgreementState.OVERDUE, overdue_since__lte=grace_from)
    _each(overdue, _grace, report, "grace", on)
    _each(Agreement.objects.filter(state=AgreementState.GRACE, grace_until__lt=on), _default, report, "defaulted", on)
    defaulted = Agreement.objects.filter(state=AgreementState.DEFAULTED, fund_covered=True, fund__isnull=False)
    _each(defaulted.filter(claim__isnull=True), _claim, report, "claims", on)

    report.reports_reminded, report.reports_escalated = reports.reports_remind(on=on)
    return report
