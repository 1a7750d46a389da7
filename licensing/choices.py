"""Choices of licensing: open-licence terms, pay-later agreements and their transitions, reports, the risk fund.

Each model with a life cycle has one table of allowed transitions here; the
transition service of its module refuses anything not in it and writes an
audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from techmarket.accounts.choices import FirmSize

CNY = "CNY"
ZERO = Decimal("0.00")

# Royalty guidance (DOMAIN.md, "Open licensing"): above these a declaration warns; it is not refused.
GUIDANCE_MAX_FIXED_FEE = Decimal("20000000.00")
GUIDANCE_MAX_RATE = {"net_sales": Decimal("20"), "profit": Decimal("40")}

# The licensee has three months from a licence taking effect to have it recorded (备案); the registry keeps the clock.
RECORDAL_MONTHS = 3


class FeeType(models.TextChoices):
    FREE = "free", _("free")
    LUMP_SUM = "lump_sum", _("lump sum")
    ROYALTY = "royalty", _("running royalty")
    ENTRY_PLUS_ROYALTY = "entry_plus_royalty", _("entry fee plus royalty")


ROYALTY_FEE_TYPES = (FeeType.ROYALTY, FeeType.ENTRY_PLUS_ROYALTY)
# What is paid when a licence is obtained: the lump sum, or the entry fee.
UPFRONT_FEE_TYPES = (FeeType.LUMP_SUM, FeeType.ENTRY_PLUS_ROYALTY)


class RoyaltyBase(models.TextChoices):
    NET_SALES = "net_sales", _("net sales")
    PROFIT = "profit", _("profit")


class ReportingPeriod(models.TextChoices):
    QUARTER = "quarter", _("quarterly")
    HALF_YEAR = "half_year", _("half-yearly")
    YEAR = "year", _("yearly")


PERIOD_MONTHS = {ReportingPeriod.QUARTER: 3, ReportingPeriod.HALF_YEAR: 6, ReportingPeriod.YEAR: 12}


class DeclarationStatus(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("awaiting the co-owners' consent")
    IN_FORCE = "in_force", _("in force")
    WITHDRAWN = "withdrawn", _("withdrawn")
    REFUSED = "refused", _("refused by a co-owner")


class ConsentStatus(models.TextChoices):
    PENDING = "pending", _("awaiting answer")
    GIVEN = "given", _("consented")
    REFUSED = "refused", _("refused")


class LicenceStatus(models.TextChoices):
    """An open licence a firm obtains: it takes effect when its fee is paid (at once when free)."""

    AWAITING_PAYMENT = "awaiting_payment", _("awaiting payment")
    IN_FORCE = "in_force", _("in force")
    EXPIRED = "expired", _("ended")
    CANCELLED = "cancelled", _("cancelled (not paid)")
    # Ended before its term because its fee went back to the licensee (refunded, or a chargeback lost).
    TERMINATED = "terminated", _("terminated (its fee refunded)")


# Licences that hold the licensee's place: a second one for the same patent and an overlapping period is refused.
LIVE_LICENCE_STATUSES = (LicenceStatus.AWAITING_PAYMENT, LicenceStatus.IN_FORCE)


DEFAULT_ELIGIBLE_SIZES = [FirmSize.SMALL.value, FirmSize.MICRO.value]


class ConversionTrigger(models.TextChoices):
    DATE = "date", _("on a date after the trial")
    FIRST_REVENUE = "first_revenue", _("at the first revenue from the product")


class PaymentForm(models.TextChoices):
    LUMP_SUM = "lump_sum", _("lump sum")
    INSTALMENTS = "instalments", _("instalments")
    REVENUE_SHARE = "revenue_share", _("revenue share")


class AgreementState(models.TextChoices):
    APPLIED = "applied", _("applied")
    DECLINED = "declined", _("declined")
    TRIAL = "trial", _("in trial")
    CONVERTED = "converted", _("converted")
    EXITED = "exited", _("exited, owing nothing")
    PAYING = "paying", _("paying")
    COMPLETED = "completed", _("completed")
    OVERDUE = "overdue", _("overdue")
    GRACE = "grace", _("in grace period")
    DEFAULTED = "defaulted", _("defaulted")
    CLAIM = "claim", _("compensation claimed")
    COMPENSATED = "compensated", _("compensated by the risk fund")
    CLAIM_REJECTED = "claim_rejected", _("claim rejected")


class Actor(models.TextChoices):
    LICENSEE = "licensee", _("the licensee")
    LICENSOR = "licensor", _("the licensor")
    STAFF = "staff", _("platform staff")
    SYSTEM = "system", _("the platform's clock")


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    label: str
    needs_reason: bool = False


S = AgreementState
# The one table of a pay-later agreement's allowed moves. ``agreement_transition`` refuses anything else.
AGREEMENT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("approve", (S.APPLIED,), S.TRIAL, (Actor.LICENSOR,), _("Approve")),
        Transition("decline", (S.APPLIED,), S.DECLINED, (Actor.LICENSOR,), _("Decline"), needs_reason=True),
        # At the decision date the firm converts or exits; unanswered by the deadline it converts as agreed.
        Transition("convert", (S.TRIAL,), S.CONVERTED, (Actor.LICENSEE, Actor.SYSTEM), _("Convert")),
        Transition("exit", (S.TRIAL,), S.EXITED, (Actor.LICENSEE,), _("Exit, owing nothing")),
        Transition("start_paying", (S.CONVERTED,), S.PAYING, (Actor.SYSTEM, Actor.LICENSEE), _("Start paying")),
        Transition("complete", (S.PAYING,), S.COMPLETED, (Actor.SYSTEM,), _("Completed")),
        Transition("mark_overdue", (S.PAYING,), S.OVERDUE, (Actor.SYSTEM,), _("Overdue")),
        Transition("settle", (S.OVERDUE, S.GRACE), S.PAYING, (Actor.SYSTEM,), _("Paid up")),
        Transition("grace", (S.OVERDUE,), S.GRACE, (Actor.SYSTEM,), _("Grace period")),
        Transition("default", (S.GRACE,), S.DEFAULTED, (Actor.SYSTEM,), _("Defaulted")),
        Transition("claim", (S.DEFAULTED,), S.CLAIM, (Actor.SYSTEM, Actor.LICENSOR), _("Claim compensation")),
        Transition("compensate", (S.CLAIM,), S.COMPENSATED, (Actor.STAFF,), _("Approve the claim")),
        Transition(
            "reject_claim", (S.CLAIM,), S.CLAIM_REJECTED, (Actor.STAFF,), _("Reject the claim"), needs_reason=True
        ),
    )
}
del S

# Agreements under which the licensee may work the achievement.
ACTIVE_AGREEMENT_STATES = (
    AgreementState.TRIAL,
    AgreementState.CONVERTED,
    AgreementState.PAYING,
    AgreementState.OVERDUE,
    AgreementState.GRACE,
)
# Days after a missed instalment before an overdue agreement enters its grace period, and the grace period's length.
OVERDUE_DAYS_TO_GRACE = 15
GRACE_DAYS = 30
# Days the firm has to answer at the end of its trial before it converts as agreed.
DECISION_DAYS = 14


class InstalmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    INVOICED = "invoiced", _("awaiting payment")
    # The saved card could not be charged off-session (the bank wants the firm to authenticate, or declined it):
    # the firm pays on the payment page, by card or by bank transfer.
    ACTION_REQUIRED = "action", _("action required")
    PAID = "paid", _("paid")
    OVERDUE = "overdue", _("overdue")
    WAIVED = "waived", _("waived")


class ReportStatus(models.TextChoices):
    DUE = "due", _("due")
    SUBMITTED = "submitted", _("submitted, awaiting the licensor")
    ACCEPTED = "accepted", _("accepted")
    DISPUTED = "disputed", _("disputed")


# A report not in by its due date is reminded; this many days later it is escalated to the licensor and staff.
REPORT_ESCALATION_DAYS = 30


class FundMovementKind(models.TextChoices):
    TOP_UP = "top_up", _("top-up")
    PAYOUT = "payout", _("claim paid out")
    ADJUSTMENT = "adjustment", _("adjustment")


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("awaiting decision")
    PAID = "paid", _("approved and paid")
    REJECTED = "rejected", _("rejected")


class PaymentState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("payment state", "pending")  # not a patent application's "pending" (审查中)
    # The payer has paid and the gateway is clearing it (Alipay, WeChat Pay, some cards): no action is needed.
    PROCESSING = "processing", pgettext_lazy("payment state", "processing")
    SUCCEEDED = "succeeded", _("succeeded")
    FAILED = "failed", _("failed")
    EXPIRED = "expired", pgettext_lazy("payment state", "expired")
    REFUNDED = "refunded", _("refunded")


PAYMENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PaymentState.PENDING: (PaymentState.PROCESSING, PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.EXPIRED),
    # Back to pending when the clearing fails (Stripe returns the intent to "requires_payment_method": the payer pays
    # again on the same payment); expired when it lapses so.
    PaymentState.PROCESSING: (PaymentState.PENDING, PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.EXPIRED),
    PaymentState.SUCCEEDED: (PaymentState.REFUNDED,),
    # Money that arrives for a payment already lapsed or cancelled is returned at once (refunded).
    PaymentState.FAILED: (PaymentState.REFUNDED,),
    PaymentState.EXPIRED: (PaymentState.REFUNDED,),
    PaymentState.REFUNDED: (),
}


# A payment still to be settled: reconciled, shown as awaiting payment.
OPEN_PAYMENT_STATES = (PaymentState.PENDING, PaymentState.PROCESSING)
# Payments that lapsed or failed unpaid: money that arrives for one anyway goes back to the payer.
LAPSED_PAYMENT_STATES = (PaymentState.EXPIRED, PaymentState.FAILED)


class PaymentPurpose(models.TextChoices):
    OPEN_LICENCE_FEE = "open_licence_fee", _("open licence fee")
    INSTALMENT = "instalment", _("pay-later instalment")
    ROYALTY = "royalty", _("royalty")


class Gateway(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("bank transfer")
    STRIPE = "stripe", _("card, Alipay or WeChat Pay (Stripe)")


# An unpaid bank-transfer reference lapses after this many days.
BANK_TRANSFER_DAYS = 14
