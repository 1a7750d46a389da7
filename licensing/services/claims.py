"""Claims on the risk fund: a covered agreement that defaulted opens one; fund staff approve it (paid out of the
fund's balance through its ledger) or reject it with a reason ("企业参保、先行赔付、信用推送")."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit

from .. import permissions
from ..choices import ZERO, Actor, AgreementState, ClaimStatus
from ..exceptions import LicensingError
from ..models import Agreement, Claim
from . import fund as fund_services
from . import paylater

CENT = Decimal("0.01")


def claim_amount(*, unpaid: Decimal, fund, cap: Decimal | None) -> Decimal:
    """The unpaid amount times the fund's coverage, within the fund's cap per agreement and the offer's cap."""
    amount = (unpaid * fund.coverage_ratio / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    amount = min(amount, fund.per_agreement_cap)
    if cap is not None:
        amount = min(amount, cap)
    return max(amount, ZERO)


def _email(claim: Claim, template: str, to: list[str], **context) -> None:
    agreement = claim.agreement
    with translation.override(settings.LANGUAGE_CODE):
        status = str(ClaimStatus(claim.status).label)
    email_on_commit(
        template=template,
        to=to,
        context={
            "reference": agreement.reference,
            "title": agreement.listing.title_zh,
            "licensor": agreement.licensor.name_zh,
            "licensee": agreement.licensee.name_zh,
            "fund": claim.fund.name,
            "amount_owed": f"{claim.amount_owed:,.2f}",
            "amount": f"{claim.amount:,.2f}",
            "status": status,
            "reason": claim.reason,
            "url": absolute_url(reverse("licensing:claim_detail", args=[claim.pk])),
            "agreement_url": absolute_url(paylater.agreement_url(agreement)),
            **context,
        },
    )


@transaction.atomic
def claim_open(*, agreement: Agreement, on: datetime.date, actor=None) -> Claim:
    """Open the claim of a defaulted, fund-covered agreement (the clock does it; the licensor may if it did not)."""
    locked = Agreement.objects.select_for_update(of=("self",)).select_related("fund").get(pk=agreement.pk)
    if not locked.fund_covered or locked.fund is None:
        raise LicensingError(
            _("Agreement %(reference)s is not covered by a risk fund.") % {"reference": locked.reference}
        )
    if locked.state != AgreementState.DEFAULTED:
        raise LicensingError(
            _("Agreement %(reference)s is %(state)s: a claim is opened only when it has defaulted.")
            % {"reference": locked.reference, "state": locked.get_state_display()}
        )
    unpaid = paylater.amount_unpaid(locked)
    if unpaid <= ZERO:
        raise LicensingError(_("Nothing is unpaid on agreement %(reference)s.") % {"reference": locked.reference})
    amount = claim_amount(unpaid=unpaid, fund=locked.fund, cap=locked.cap)
    role = Actor.SYSTEM if actor is None else Actor.LICENSOR
    locked = paylater._transition(agreement=locked, name="claim", actor_role=role, actor=actor, on=on)
    claim = Claim.objects.create(agreement=locked, fund=locked.fund, amount_owed=unpaid, amount=amount)
    audit_record(
        actor=actor,
        action="claim.open",
        target=claim,
        summary=f"{locked.reference} ¥{amount:,.2f}",
        data={"unpaid": str(unpaid), "amount": str(amount)},
    )
    licensor_admins = [m.user.email for m in locked.licensor.memberships.admins().select_related("user")]
    _email(claim, "claim_opened", licensor_admins + permissions.finance_emails())
    return claim


@transaction.atomic
def claim_decide(*, actor, claim: Claim, approve: bool, reason: str = "", on: datetime.date) -> Claim:
    """Fund staff decide: approval pays the compensation out of the fund (refused, nothing written, if the balance
    cannot cover it) and the agreement is compensated; a rejection needs its reason."""
    if not permissions.can_manage_fund(actor):
        raise PermissionDenied
    claim = Claim.objects.select_for_update(of=("self",)).select_related("agreement", "fund").get(pk=claim.pk)
    if claim.status != ClaimStatus.OPEN:
        raise LicensingError(
            _("This claim has been decided already (%(status)s).") % {"status": claim.get_status_display()}
        )
    reason = (reason or "").strip()
    if approve:
        fund_services.fund_payout(
            actor=actor, fund=claim.fund, amount=claim.amount, claim=claim, note=claim.agreement.reference
        )
        claim.status = ClaimStatus.PAID
        paylater._transition(
            agreement=claim.agreement, name="compensate", actor_role=Actor.STAFF, actor=actor, reason=reason, on=on
        )
    else:
        if not reason:
            raise LicensingError(_("Give the reason for rejecting the claim: the licensor reads it."))
        claim.status = ClaimStatus.REJECTED
        paylater._transition(
            agreement=claim.agreement, name="reject_claim", actor_role=Actor.STAFF, actor=actor, reason=reason, on=on
        )
    claim.reason = reason[:500]
    claim.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    claim.decided_at = timezone.now()
    claim.save()
    audit_record(
        actor=actor,
        action="claim.pay" if approve else "claim.reject",
        target=claim,
        summary=reason or f"¥{claim.amount:,.2f}",
    )
    claim.agreement.refresh_from_db()
    licensor_admins = [m.user.email for m in claim.agreement.licensor.memberships.admins().select_related("user")]
    _email(claim, "claim_decided", licensor_admins, approved=approve)
    return claim
