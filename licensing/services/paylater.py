"""Use first, pay later (先使用后付费): a listing's offer, the agreements firms enter on it, and their payments.

An agreement moves only along ``choices.AGREEMENT_TRANSITIONS``, through one private :func:`_transition` (row
lock, the table's checks, an ``AgreementEvent`` for its timeline, an audit row, e-mail to the parties) called by
one public service per transition. The clock (``services.clock``) makes the moves nobody asks for: the decision
date, conversion when the firm does not answer, invoices, overdue, grace and default.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ip_registry.ledger import add_months
from listings.choices import DealMode
from techmarket.accounts.choices import FirmSize, OrganisationKind
from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit

from .. import permissions
from ..choices import (
    AGREEMENT_TRANSITIONS,
    DECISION_DAYS,
    GRACE_DAYS,
    ZERO,
    Actor,
    AgreementState,
    ConversionTrigger,
    InstalmentStatus,
    PaymentForm,
    PaymentPurpose,
    Transition,
)
from ..exceptions import LicensingError
from ..models import Agreement, AgreementEvent, CreditRecord, Instalment, PayLaterOffer, Payment

CENT = Decimal("0.01")
# An instalment is due this many days after the date its period starts (a month to pay, as invoices usually give).
PAYMENT_TERM_DAYS = 30
# An instalment is invoiced this many days before it is due (a bank-transfer reference stays open as long).
INVOICE_DAYS_AHEAD = 14
# Agreements a firm already holds on an offer: a second application is refused while one of these stands.
LIVE_STATES = (
    AgreementState.APPLIED,
    AgreementState.TRIAL,
    AgreementState.CONVERTED,
    AgreementState.PAYING,
    AgreementState.OVERDUE,
    AgreementState.GRACE,
)
# States in which a paid instalment may settle or complete the agreement.
_PAYING_STATES = (AgreementState.PAYING, AgreementState.OVERDUE, AgreementState.GRACE)
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- who may act --------------------------------------------------------------------------------------------------


def can_manage_offer(user, listing) -> bool:
    """The listing owner: an administrator of the listing's organisation."""
    return permissions.is_admin(user, listing.organisation)


def roles(user, agreement: Agreement) -> set[str]:
    """The sides the user acts for on this agreement (a person may be on none)."""
    found = set()
    if permissions.is_admin(user, agreement.licensor):
        found.add(Actor.LICENSOR)
    if permissions.is_member(user, agreement.licensee):
        found.add(Actor.LICENSEE)
    if permissions.can_manage_fund(user):
        found.add(Actor.STAFF)
    return found


def can_view_agreement(user, agreement: Agreement) -> bool:
    """Its parties (any member of either side) and the fund and finance staff."""
    return permissions.can_view(user, agreement)


def available_actions(user, agreement: Agreement) -> list[Transition]:
    """The transitions this user may ask for now (the clock's own moves are never offered)."""
    mine = roles(user, agreement)
    return [
        t
        for t in AGREEMENT_TRANSITIONS.values()
        if agreement.state in t.sources
        and mine & set(t.actors)
        and t.name not in ("claim", "compensate", "reject_claim")
    ]


def _require(actor, role: str, agreement: Agreement) -> None:
    """``actor`` None is the platform itself (the clock, the demo seed): it may do what the table allows."""
    if actor is None:
        return
    if role == Actor.LICENSOR and not permissions.is_admin(actor, agreement.licensor):
        raise PermissionDenied
    if role == Actor.LICENSEE and not permissions.is_member(actor, agreement.licensee):
        raise PermissionDenied
    if role == Actor.STAFF and not permissions.can_manage_fund(actor):
        raise PermissionDenied


# --- the one transition -------------------------------------------------------------------------------------------


def _party_emails(agreement: Agreement) -> list[str]:
    emails = [m.user.email for m in agreement.licensor.memberships.admins().select_related("user")]
    emails += [m.user.email for m in agreement.licensee.memberships.admins().select_related("user")]
    if agreement.applied_by_id:
        emails.append(agreement.applied_by.email)
    return emails


def agreement_url(agreement: Agreement) -> str:
    return reverse("licensing:agreement_detail", args=[agreement.reference])


def _email(agreement: Agreement, template: str, to: list[str], **context) -> None:
    """E-mail in the site's language: lazy labels in ``context`` are translated into it here."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {name: str(value) if isinstance(value, Promise) else value for name, value in context.items()}
    email_on_commit(
        template=template,
        to=to,
        context={
            "reference": agreement.reference,
            "title": agreement.listing.title_zh,
            "licensor": agreement.licensor.name_zh,
            "licensee": agreement.licensee.name_zh,
            "url": absolute_url(agreement_url(agreement)),
            **context,
        },
    )


def _transition(
    *,
    agreement: Agreement,
    name: str,
    actor_role: str,
    actor,
    reason: str = "",
    on: datetime.date,
    fields: dict | None = None,
) -> Agreement:
    """Move the agreement along one transition of the table, or refuse with a message; ``fields`` are set with it."""
    transition = AGREEMENT_TRANSITIONS.get(name)
    if transition is None:
        raise LicensingError(_("Unknown action."))
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("licensor", "licensee", "listing", "applied_by")
        .get(pk=agreement.pk)
    )
    if agreement.state not in transition.sources:
        raise LicensingError(
            _("Agreement %(reference)s is %(state)s: “%(action)s” is not possible now.")
            % {"reference": agreement.reference, "state": agreement.get_state_display(), "action": transition.label}
        )
    if actor_role not in transition.actors:
        raise LicensingError(
            _("“%(action)s” is for %(actors)s.")
            % {
                "action": transition.label,
                "actors": get_text_list([Actor(a).label for a in transition.actors], _("or")),
            }
        )
    _require(actor, actor_role, agreement)
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise LicensingError(_("Give a reason: the other side reads it."))
    previous = agreement.state
    agreement.state = transition.target
    for field, value in (fields or {}).items():
        setattr(agreement, field, value)
    if transition.needs_reason:
        agreement.decision_reason = reason[:500]
    agreement.save()
    AgreementEvent.objects.create(
        agreement=agreement,
        transition=name,
        from_state=previous,
        to_state=agreement.state,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason[:500],
        on=on,
    )
    audit_record(
        actor=actor,
        action=f"agreement.{name}",
        target=agreement,
        summary=reason or agreement.reference,
        data={"from": previous, "to": agreement.state, "reason": reason, "on": on.isoformat(), "role": actor_role},
    )
    _email(
        agreement,
        "agreement_transition",
        _party_emails(agreement),
        action=transition.label,
        state=AgreementState(agreement.state).label,
        reason=reason,
        on=on.isoformat(),
    )
    return agreement


# --- offers -------------------------------------------------------------------------------------------------------

# The terms an agreement keeps as it was entered on (``PayLaterTerms``), and what the owner sets on the offer.
AGREED_TERMS = (
    "trial_months",
    "trigger",
    "payment_form",
    "fee",
    "instalments",
    "instalment_months",
    "revenue_share",
    "reporting_period",
    "cap",
    "fund_covered",
    "eligible_sizes",
)
OFFER_FIELDS = (*AGREED_TERMS, "fund", "is_active")


def offers_pay_later(listing) -> bool:
    return listing.deal_terms.filter(mode=DealMode.PAY_LATER).exists()


def offer_check(terms: dict) -> dict[str, str]:
    """What is wrong with these terms, by field (empty when they can be offered). The form and the service both ask."""
    errors: dict[str, str] = {}
    form = terms.get("payment_form")
    fee, cap = terms.get("fee"), terms.get("cap")
    if not terms.get("trial_months"):
        errors["trial_months"] = _("Give the trial a length of at least one month.")
    if form in (PaymentForm.LUMP_SUM, PaymentForm.INSTALMENTS) and (fee is None or fee <= ZERO):
        errors["fee"] = _("A lump sum or instalments need the fee.")
    if form == PaymentForm.INSTALMENTS and (terms.get("instalments") or 0) < 2:
        errors["instalments"] = _("Instalments are two or more.")
    if form == PaymentForm.INSTALMENTS and not terms.get("instalment_months"):
        errors["instalment_months"] = _("Give the months between instalments.")
    if form == PaymentForm.REVENUE_SHARE:
        share = terms.get("revenue_share")
        if share is None or not ZERO < share <= Decimal("100"):
            errors["revenue_share"] = _("A revenue share is a percentage above 0 and at most 100.")
        if not terms.get("reporting_period"):
            errors["reporting_period"] = _("A revenue share is reported each period: choose the period.")
    if cap is not None and cap <= ZERO:
        errors["cap"] = _("The cap must be more than ¥0.00, or left empty.")
    if terms.get("fund_covered") and terms.get("fund") is None:
        errors["fund"] = _("Choose the risk fund that covers the agreements.")
    sizes = terms.get("eligible_sizes") or []
    if not sizes or set(sizes) - set(FirmSize.values):
        errors["eligible_sizes"] = _("Choose the firm sizes that may apply.")
    return errors


@transaction.atomic
def offer_save(*, actor, listing, **terms) -> PayLaterOffer:
    """Set the listing's pay-later terms (agreements already entered keep the terms they were entered on)."""
    if actor is not None and not can_manage_offer(actor, listing):
        raise PermissionDenied
    if not offers_pay_later(listing):
        raise LicensingError(
            _("This listing does not offer “use first, pay later”: add that deal mode to the listing first.")
        )
    unknown = set(terms) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"not offer terms: {', '.join(sorted(unknown))}")
    errors = offer_check(terms)
    if errors:
        raise LicensingError(" ".join(errors.values()))
    if not terms.get("fund_covered"):
        terms["fund"] = None
    offer = PayLaterOffer.objects.select_for_update().filter(listing=listing).first() or PayLaterOffer(listing=listing)
    for name, value in terms.items():
        setattr(offer, name, value)
    offer.eligible_sizes = [size for size in FirmSize.values if size in offer.eligible_sizes]
    offer.full_clean()
    offer.save()
    audit_record(actor=actor, action="offer.save", target=offer, summary=listing.title_zh)
    return offer


# --- eligibility and applying -------------------------------------------------------------------------------------


def _sizes_text(sizes: list[str]) -> str:
    labels = [str(FirmSize(size).label) for size in FirmSize.values if size in sizes]
    return get_text_list(labels, _("and"))


def eligibility_refusal(offer: PayLaterOffer, firm) -> str:
    """Why this firm may not apply to the offer, as the firm reads it; empty when it may."""
    sizes = list(offer.eligible_sizes or [])
    if set(FirmSize.values) <= set(sizes):
        return ""
    opening = _("This offer is open to %(sizes)s firms only") % {"sizes": _sizes_text(sizes)}
    if not firm.firm_size:
        return _("%(opening)s; %(firm)s has not stated its size: its administrator adds it on its profile.") % {
            "opening": opening,
            "firm": firm.name_zh,
        }
    if firm.firm_size in sizes:
        return ""
    basis = []
    if firm.staff_count is not None:
        basis.append(_("%(count)s staff") % {"count": f"{firm.staff_count:,}"})
    if firm.annual_revenue is not None:
        basis.append(_("annual revenue %(amount)s (10,000 yuan)") % {"amount": f"{firm.annual_revenue:,}"})
    return _("%(opening)s; %(firm)s is recorded as a %(size)s firm%(basis)s.") % {
        "opening": opening,
        "firm": firm.name_zh,
        "size": FirmSize(firm.firm_size).label,
        "basis": f" ({', '.join(basis)})" if basis else "",
    }


def new_agreement_reference(on: datetime.date) -> str:
    while True:
        reference = f"PL{on.year}" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))
        if not Agreement.objects.filter(reference=reference).exists():
            return reference


def credit_records(firm):
    """The firm's defaults on earlier agreements, newest first: shown to a licensor deciding its application."""
    return CreditRecord.objects.filter(organisation=firm).select_related("agreement__listing")


@transaction.atomic
def agreement_apply(*, actor, offer: PayLaterOffer, licensee, note: str = "", on: datetime.date) -> Agreement:
    """A firm applies on the offer's terms; the agreement starts in ``applied`` for the licensor to decide."""
    if actor is not None and not permissions.enterprise_organisations(actor).filter(pk=licensee.pk).exists():
        raise LicensingError(_("Only a member of a verified enterprise can apply, for that enterprise."))
    if licensee.kind != OrganisationKind.ENTERPRISE:
        raise LicensingError(_("Only enterprises can take a technology on “use first, pay later” terms."))
    offer = (
        PayLaterOffer.objects.select_for_update(of=("self",))
        .select_related("listing__organisation", "fund")
        .get(pk=offer.pk)
    )
    listing = offer.listing
    if not offer.is_active or not listing.is_public or not offers_pay_later(listing):
        raise LicensingError(_("This listing does not take “use first, pay later” applications now."))
    if listing.organisation_id == licensee.pk:
        raise LicensingError(_("An organisation cannot take its own technology on pay-later terms."))
    refusal = eligibility_refusal(offer, licensee)
    if refusal:
        raise LicensingError(refusal)
    live = Agreement.objects.filter(offer=offer, licensee=licensee, state__in=LIVE_STATES).first()
    if live is not None:
        raise LicensingError(
            _("%(firm)s already has agreement %(reference)s on this offer (%(state)s).")
            % {"firm": licensee.name_zh, "reference": live.reference, "state": live.get_state_display()}
        )
    terms = {name: getattr(offer, name) for name in AGREED_TERMS}
    agreement = Agreement.objects.create(
        reference=new_agreement_reference(on),
        offer=offer,
        listing=listing,
        licensor=listing.organisation,
        licensee=licensee,
        fund=offer.fund if offer.fund_covered else None,
        application_note=(note or "").strip()[:2000],
        applied_by=actor if getattr(actor, "is_authenticated", False) else None,
        **terms,
    )
    AgreementEvent.objects.create(
        agreement=agreement,
        transition="apply",
        from_state=AgreementState.APPLIED,
        to_state=AgreementState.APPLIED,
        actor=agreement.applied_by,
        on=on,
    )
    audit_record(actor=actor, action="agreement.apply", target=agreement, summary=agreement.reference)
    records = credit_records(licensee).count()
    _email(
        agreement,
        "agreement_applied",
        [m.user.email for m in agreement.licensor.memberships.admins().select_related("user")],
        note=agreement.application_note,
        credit_records=records,
    )
    return agreement


# --- the licensor's decision and the firm's -----------------------------------------------------------------------


def trial_end(start: datetime.date, months: int) -> datetime.date:
    """The trial's last day: the day before the same date ``months`` later."""
    return add_months(start, months) - datetime.timedelta(days=1)


@transaction.atomic
def agreement_approve(*, actor, agreement: Agreement, on: datetime.date) -> Agreement:
    """The licensor approves: the free trial starts today and ends on the decision date."""
    return _transition(
        agreement=agreement,
        name="approve",
        actor_role=Actor.LICENSOR,
        actor=actor,
        on=on,
        fields={"trial_start": on, "decision_date": trial_end(on, agreement.trial_months)},
    )


@transaction.atomic
def agreement_decline(*, actor, agreement: Agreement, reason: str, on: datetime.date) -> Agreement:
    return _transition(
        agreement=agreement, name="decline", actor_role=Actor.LICENSOR, actor=actor, reason=reason, on=on
    )


@transaction.atomic
def agreement_exit(*, actor, agreement: Agreement, on: datetime.date, reason: str = "") -> Agreement:
    """The firm stops using the achievement at (or before) the end of its trial, owing nothing."""
    return _transition(agreement=agreement, name="exit", actor_role=Actor.LICENSEE, actor=actor, reason=reason, on=on)


@transaction.atomic
def agreement_convert(*, actor, agreement: Agreement, on: datetime.date) -> Agreement:
    """The firm converts (``actor`` None: the clock converts it as agreed, unanswered by the deadline).

    With a date trigger payments start now: the schedule is written and the agreement is paying. With the
    first-revenue trigger it waits, converted, for the firm to report its first revenue.
    """
    role = Actor.SYSTEM if actor is None else Actor.LICENSEE
    agreement = _transition(agreement=agreement, name="convert", actor_role=role, actor=actor, on=on)
    if agreement.trigger == ConversionTrigger.DATE:
        agreement = _start_paying(agreement=agreement, actor=None, role=Actor.SYSTEM, on=on)
    return agreement


@transaction.atomic
def agreement_report_first_revenue(*, actor, agreement: Agreement, on: datetime.date) -> Agreement:
    """The firm reports its first revenue from the product: payments start from that day."""
    if agreement.trigger != ConversionTrigger.FIRST_REVENUE:
        raise LicensingError(_("This agreement's payments start on a date, not at the first revenue."))
    if on > timezone.localdate():
        raise LicensingError(_("The first revenue cannot be in the future."))
    return _start_paying(agreement=agreement, actor=actor, role=Actor.LICENSEE, on=on, first_revenue=True)


def _start_paying(*, agreement: Agreement, actor, role: str, on: datetime.date, first_revenue=False) -> Agreement:
    fields = {"payment_start": on}
    if first_revenue:
        fields["first_revenue_on"] = on
    agreement = _transition(
        agreement=agreement, name="start_paying", actor_role=role, actor=actor, on=on, fields=fields
    )
    schedule_create(agreement=agreement, start=on)
    return agreement


def schedule_amounts(*, payment_form: str, fee, instalments, cap) -> list[Decimal]:
    """The amounts of the instalments, never above the cap in all (the last takes the rounding)."""
    if payment_form == PaymentForm.REVENUE_SHARE:
        return []
    total = money(fee or 0)
    if cap is not None:
        total = min(total, money(cap))
    count = 1 if payment_form == PaymentForm.LUMP_SUM else max(int(instalments or 1), 1)
    if total <= ZERO:
        return []
    each = (total / count).quantize(CENT, rounding="ROUND_DOWN")
    return [each] * (count - 1) + [total - each * (count - 1)]


def schedule_create(*, agreement: Agreement, start: datetime.date) -> list[Instalment]:
    """Write the payment schedule: one lump sum, ``n`` instalments every ``instalment_months``, or (revenue share)
    the royalty reports whose accepted royalties become instalments."""
    if agreement.payment_form == PaymentForm.REVENUE_SHARE:
        from .reports import reports_schedule

        reports_schedule(agreement=agreement, start=start)
        return []
    rows = []
    for number, amount in enumerate(
        schedule_amounts(
            payment_form=agreement.payment_form, fee=agreement.fee, instalments=agreement.instalments, cap=agreement.cap
        ),
        start=1,
    ):
        months = (number - 1) * (agreement.instalment_months or 0)
        rows.append(
            Instalment(
                agreement=agreement,
                number=number,
                due_on=add_months(start, months) + datetime.timedelta(days=PAYMENT_TERM_DAYS),
                amount=amount,
            )
        )
    return Instalment.objects.bulk_create(rows)


def amount_scheduled(agreement: Agreement) -> Decimal:
    return agreement.instalment_rows.exclude(status=InstalmentStatus.WAIVED).aggregate(t=Sum("amount"))["t"] or ZERO


def amount_unpaid(agreement: Agreement) -> Decimal:
    """What the firm still owes on its schedule (every instalment not paid or waived)."""
    unpaid = agreement.instalment_rows.exclude(status__in=(InstalmentStatus.PAID, InstalmentStatus.WAIVED))
    return unpaid.aggregate(t=Sum("amount"))["t"] or ZERO


def instalment_add(*, agreement: Agreement, amount: Decimal, due_on: datetime.date) -> Instalment | None:
    """A revenue-share royalty to pay, within what is left under the cap (``None`` when nothing is)."""
    amount = money(amount)
    if agreement.cap is not None:
        amount = min(amount, money(agreement.cap) - amount_scheduled(agreement))
    if amount <= ZERO:
        return None
    number = (agreement.instalment_rows.aggregate(n=Max("number"))["n"] or 0) + 1
    return Instalment.objects.create(agreement=agreement, number=number, due_on=due_on, amount=amount)


# --- instalments: invoices and their payment ----------------------------------------------------------------------


def instalment_invoice(*, instalment: Instalment, on: datetime.date) -> Instalment:
    """Create the instalment's payment (a bank-transfer reference) and send the firm the invoice."""
    from ..payments.services import payment_create

    agreement = instalment.agreement
    with translation.override(settings.LANGUAGE_CODE):
        description = _("Agreement %(reference)s, instalment %(number)s") % {
            "reference": agreement.reference,
            "number": instalment.number,
        }
    payment = payment_create(
        purpose=PaymentPurpose.INSTALMENT,
        description=description,
        amount=instalment.amount,
        payer=agreement.licensee,
        payee=agreement.licensor,
    )
    instalment.payment = payment
    if instalment.status == InstalmentStatus.SCHEDULED:
        instalment.status = InstalmentStatus.INVOICED
    instalment.save(update_fields=["payment", "status"])
    audit_record(
        actor=None,
        action="agreement.invoice",
        target=agreement,
        summary=f"#{instalment.number} ¥{instalment.amount}",
        data={"payment": payment.reference, "due_on": instalment.due_on.isoformat()},
    )
    _email(
        agreement,
        "agreement_invoice",
        _party_emails(agreement),
        number=instalment.number,
        amount=f"{instalment.amount:,.2f}",
        due_on=instalment.due_on.isoformat(),
        payment=payment.reference,
    )
    return instalment


def _licensee_emails(agreement: Agreement) -> list[str]:
    emails = [m.user.email for m in agreement.licensee.memberships.admins().select_related("user")]
    if agreement.applied_by_id:
        emails.append(agreement.applied_by.email)
    return emails


def instalment_action_required(*, instalment: Instalment, reason: str) -> Instalment:
    """The firm's saved card could not be charged for the instalment (its bank wants it to authenticate, or
    declined): the instalment waits for the firm, who is e-mailed a link to pay it on the site, by card or by bank
    transfer. Its due date and the clock's reminders and overdue marking are unchanged."""
    if instalment.status not in (InstalmentStatus.INVOICED, InstalmentStatus.OVERDUE):
        return instalment
    if instalment.status == InstalmentStatus.INVOICED:
        instalment.status = InstalmentStatus.ACTION_REQUIRED
        instalment.save(update_fields=["status"])
    agreement = instalment.agreement
    audit_record(
        actor=None,
        action="agreement.action_required",
        target=agreement,
        summary=f"#{instalment.number}: {reason}"[:200],
        data={"payment": instalment.payment.reference if instalment.payment_id else "", "reason": reason[:300]},
    )
    payment_url = (
        reverse("licensing:payment_detail", args=[instalment.payment.reference]) if instalment.payment_id else ""
    )
    _email(
        agreement,
        "agreement_action_required",
        _licensee_emails(agreement),
        number=instalment.number,
        amount=f"{instalment.amount:,.2f}",
        due_on=instalment.due_on.isoformat(),
        payment=instalment.payment.reference if instalment.payment_id else "",
        reason=reason,
        payment_url=absolute_url(payment_url) if payment_url else "",
    )
    return instalment


def instalment_paid(payment: Payment) -> None:
    """The payments' handler for instalments: mark it paid; an agreement in arrears with nothing left overdue
    settles back to paying, and one with nothing left to pay is completed."""
    instalment = Instalment.objects.select_for_update().filter(payment=payment).first()
    if instalment is None or instalment.status == InstalmentStatus.PAID:
        return
    instalment.status = InstalmentStatus.PAID
    instalment.save(update_fields=["status"])
    agreement = instalment.agreement
    on = timezone.localdate()
    audit_record(
        actor=None,
        action="agreement.instalment_paid",
        target=agreement,
        summary=f"#{instalment.number} ¥{instalment.amount}",
        data={"payment": payment.reference},
    )
    if agreement.state not in _PAYING_STATES:
        return  # paid after a default: recorded, the agreement stays where it is
    if agreement.state in (AgreementState.OVERDUE, AgreementState.GRACE):
        still_overdue = agreement.instalment_rows.filter(status=InstalmentStatus.OVERDUE).exists()
        if still_overdue:
            return
        agreement = _transition(
            agreement=agreement,
            name="settle",
            actor_role=Actor.SYSTEM,
            actor=None,
            on=on,
            fields={"overdue_since": None, "grace_until": None},
        )
    if is_paid_up(agreement):
        _transition(agreement=agreement, name="complete", actor_role=Actor.SYSTEM, actor=None, on=on)


def is_paid_up(agreement: Agreement) -> bool:
    """Everything scheduled is paid and nothing more can come: the fee (lump sum, instalments), or the cap reached
    under a revenue share."""
    rows = agreement.instalment_rows.all()
    if not rows.exists() or rows.exclude(status__in=(InstalmentStatus.PAID, InstalmentStatus.WAIVED)).exists():
        return False
    if agreement.payment_form == PaymentForm.REVENUE_SHARE:
        return agreement.cap is not None and amount_scheduled(agreement) >= money(agreement.cap)
    return True


# --- the clock's moves --------------------------------------------------------------------------------------------


def agreement_ask_decision(*, agreement: Agreement, on: datetime.date) -> Agreement:
    """At the decision date: ask the firm to convert or exit, with the deadline after which it converts as agreed."""
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("licensor", "licensee", "listing")
        .get(pk=agreement.pk)
    )
    if agreement.state != AgreementState.TRIAL or agreement.decision_asked_at is not None:
        return agreement
    agreement.decision_deadline = on + datetime.timedelta(days=DECISION_DAYS)
    agreement.decision_asked_at = timezone.now()
    agreement.save(update_fields=["decision_deadline", "decision_asked_at", "updated_at"])
    audit_record(
        actor=None,
        action="agreement.ask",
        target=agreement,
        summary=agreement.reference,
        data={"deadline": agreement.decision_deadline.isoformat()},
    )
    _email(
        agreement,
        "agreement_decision",
        _party_emails(agreement),
        deadline=agreement.decision_deadline.isoformat(),
        decision_date=agreement.decision_date.isoformat(),
    )
    return agreement


def agreement_mark_overdue(*, agreement: Agreement, on: datetime.date) -> Agreement:
    return _transition(
        agreement=agreement,
        name="mark_overdue",
        actor_role=Actor.SYSTEM,
        actor=None,
        on=on,
        fields={"overdue_since": on},
    )


def agreement_grace(*, agreement: Agreement, on: datetime.date) -> Agreement:
    return _transition(
        agreement=agreement,
        name="grace",
        actor_role=Actor.SYSTEM,
        actor=None,
        on=on,
        fields={"grace_until": on + datetime.timedelta(days=GRACE_DAYS)},
    )


def agreement_default(*, agreement: Agreement, on: datetime.date) -> Agreement:
    """The grace period is over unpaid: the agreement defaults and the firm gets a credit record (信用推送)."""
    agreement = _transition(agreement=agreement, name="default", actor_role=Actor.SYSTEM, actor=None, on=on)
    unpaid = amount_unpaid(agreement)
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Defaulted on pay-later agreement %(reference)s for “%(title)s”.") % {
            "reference": agreement.reference,
            "title": agreement.listing.title_zh,
        }
    CreditRecord.objects.create(
        organisation=agreement.licensee, agreement=agreement, amount_unpaid=unpaid, recorded_on=on, note=note[:300]
    )
    return agreement


def instalment_remind(*, instalment: Instalment, on: datetime.date) -> None:
    """On its due date, remind the firm of an instalment still unpaid."""
    agreement = instalment.agreement
    audit_record(actor=None, action="agreement.remind", target=agreement, summary=f"#{instalment.number}")
    _email(
        agreement,
        "agreement_reminder",
        _party_emails(agreement),
        number=instalment.number,
        amount=f"{instalment.amount:,.2f}",
        due_on=instalment.due_on.isoformat(),
        payment=instalment.payment.reference if instalment.payment_id else "",
    )


def register() -> None:
    """Called by ``LicensingConfig.ready()``: instalment payments mark their instalment paid; audit labels."""
    from techmarket.audit.models import register_actions

    from ..payments.services import on_succeeded

    on_succeeded(PaymentPurpose.INSTALMENT, instalment_paid)
    register_actions({f"agreement.{name}": t.label for name, t in AGREEMENT_TRANSITIONS.items()})
    register_actions(
        {
            "agreement.apply": gettext_lazy("Pay-later application"),
            "agreement.ask": gettext_lazy("Firm asked to convert or exit"),
            "agreement.invoice": gettext_lazy("Instalment invoiced"),
            "agreement.remind": gettext_lazy("Instalment reminded"),
            "agreement.action_required": gettext_lazy("Instalment not charged to the saved card: the firm pays it"),
            "agreement.instalment_paid": gettext_lazy("Instalment paid"),
            "offer.save": gettext_lazy("Pay-later terms set"),
            "report.submit": gettext_lazy("Royalty report submitted"),
            "report.accept": gettext_lazy("Royalty report accepted"),
            "report.dispute": gettext_lazy("Royalty report disputed"),
            "report.remind": gettext_lazy("Royalty report reminded"),
            "report.escalate": gettext_lazy("Late royalty report escalated"),
            "claim.open": gettext_lazy("Claim on the risk fund opened"),
            "claim.pay": gettext_lazy("Claim approved and paid"),
            "claim.reject": gettext_lazy("Claim rejected"),
        }
    )
