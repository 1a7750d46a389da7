"""Open licences obtained online (专利法第五十条、第五十一条): written notice to the patentee, payment on the published
terms, no negotiation.

:func:`licence_obtain` locks the declaration row first, as the declaration's withdrawal does, so an acceptance and
a withdrawal run one after the other: an acceptance that comes second finds the declaration withdrawn and is
refused; one that came first stays valid (licences already granted survive a withdrawal). A free licence, or one
with a running royalty only, takes effect at once; a lump sum or an entry fee is paid first
(``licensing.payments``), and the payment's confirmation makes the licence take effect (:func:`licence_take_effect`,
registered with ``on_succeeded`` by ``LicensingConfig.ready()``). Taking effect writes each patent's open licence to
the registry's ledger and starts the three-month recordal clock.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ip_registry import recordals as registry_recordals
from ip_registry import services as registry
from ip_registry.choices import EntryKind, LicenceType
from ip_registry.ledger import recordal_deadline
from techmarket.accounts.models import Membership
from techmarket.audit.services import audit_record
from techmarket.exceptions import Refused
from techmarket.notifications import absolute_url, email_on_commit

from .. import permissions
from ..choices import LIVE_LICENCE_STATUSES, DeclarationStatus, LicenceStatus, PaymentPurpose
from ..exceptions import LicensingError
from ..models import Declaration, OpenLicence, Payment
from ..models.declarations import ALL_TERMS
from ..notices import notice_draft, notice_store
from . import reports

_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _new_reference() -> str:
    while True:
        reference = "OL" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(10))
        if not OpenLicence.objects.filter(reference=reference).exists():
            return reference


def declared_patents(declaration: Declaration):
    """The patents a declaration still covers (a patent whose declaration was withdrawn alone is not offered)."""
    from ip_registry.models import Patent

    return Patent.objects.filter(
        pk__in=declaration.declared_patents.filter(withdrawal_entry__isnull=True).values("patent")
    ).order_by("application_number")


def require_can_license(*, actor, licensee) -> None:
    """The actor acts for a verified enterprise: only such firms take licences on the platform."""
    if not permissions.enterprise_organisations(actor).filter(pk=licensee.pk).exists():
        raise LicensingError(
            _(
                "Only an active member of a verified enterprise can obtain an open licence for it, and you are not "
                "one of %(firm)s."
            )
            % {"firm": licensee.name_zh}
        )


def require_acceptable(declaration: Declaration, on: datetime.date) -> None:
    """The declaration can be accepted on ``on``: in force, its licence period not over."""
    if declaration.status == DeclarationStatus.WITHDRAWN:
        raise LicensingError(
            _(
                "The patentee withdrew this open licence declaration on %(date)s: it can no longer be accepted. "
                "Licences obtained before the withdrawal stay valid (专利法第五十条)."
            )
            % {"date": declaration.withdrawn_on.isoformat() if declaration.withdrawn_on else "—"}
        )
    if declaration.status != DeclarationStatus.IN_FORCE:
        raise LicensingError(
            _(
                "This open licence declaration is not in force (%(status)s): an open licence is obtained only "
                "under a declaration in force (专利法第五十条)."
            )
            % {"status": declaration.get_status_display()}
        )
    if on > declaration.period_end:
        raise LicensingError(
            _("The declaration's licence period ended on %(date)s: no licence can be obtained under it any more.")
            % {"date": declaration.period_end.isoformat()}
        )


def _require_not_own(declaration: Declaration, licensee, patents) -> None:
    from ip_registry.models import RightHolder

    if (
        licensee.pk == declaration.licensor_id
        or RightHolder.objects.filter(patent__in=patents, organisation=licensee).exists()
    ):
        raise LicensingError(
            _(
                "%(firm)s is a right holder of the patent: a patentee does not take a licence of its own patent; "
                "it may work it already (专利法第十一条)."
            )
            % {"firm": licensee.name_zh}
        )


def _require_no_overlap(licensee, patents, start: datetime.date, end: datetime.date) -> None:
    clash = (
        OpenLicence.objects.filter(
            licensee=licensee,
            patents__in=patents,
            status__in=LIVE_LICENCE_STATUSES,
            term_start__lte=end,
            term_end__gte=start,
        )
        .order_by("term_start")
        .first()
    )
    if clash is not None:
        patent = clash.patents.filter(pk__in=[patent.pk for patent in patents]).order_by("application_number").first()
        raise LicensingError(
            _(
                "%(firm)s already holds licence %(reference)s (%(status)s) of patent %(number)s for "
                "%(start)s – %(end)s: a firm cannot obtain a second licence of the same patent for an overlapping "
                "period."
            )
            % {
                "firm": licensee.name_zh,
                "reference": clash.reference,
                "status": clash.get_status_display(),
                "number": patent.application_number if patent else "",
                "start": clash.term_start.isoformat(),
                "end": clash.term_end.isoformat(),
            }
        )


def _listing_patents(listing, patents):
    if listing is None:
        return
    if not listing.patents.filter(pk__in=[patent.pk for patent in patents]).exists():
        raise LicensingError(_("This listing does not offer the patents of this open licence declaration."))


def _admin_emails(organisation) -> list[str]:
    return list(
        Membership.objects.admins()
        .filter(organisation=organisation, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def _member_emails(organisation) -> list[str]:
    return list(
        Membership.objects.active()
        .filter(organisation=organisation, user__is_active=True)
        .values_list("user__email", flat=True)
    )


def _licence_url(licence: OpenLicence) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return absolute_url(reverse("licensing:licence_detail", args=[licence.reference]))


def _mail_context(licence: OpenLicence) -> dict:
    return {
        "reference": licence.reference,
        "licensor": licence.licensor.name_zh,
        "licensee": licence.licensee.name_zh,
        "patents": "、".join(
            f"{patent.application_number} {patent.display_title}" for patent in licence.patents.order_by("pk")
        ),
        "fee": licence.get_fee_type_display(),
        "amount": f"{licence.upfront_amount:,.2f}" if licence.upfront_amount else "",
        "term_start": licence.term_start.isoformat(),
        "term_end": licence.term_end.isoformat(),
        "url": _licence_url(licence),
    }


@transaction.atomic
def licence_obtain(*, actor, declaration: Declaration, licensee, listing=None, on: datetime.date) -> OpenLicence:
    """The licensee accepts the declaration: the notice is kept and sent to the patentee; the licence takes effect
    at once when nothing is paid up front, otherwise when its payment is confirmed."""
    require_can_license(actor=actor, licensee=licensee)
    # The declaration's row first, as its withdrawal locks it first: the two run one after the other.
    declaration = Declaration.objects.select_for_update().select_related("licensor").get(pk=declaration.pk)
    require_acceptable(declaration, on)
    patents = list(declared_patents(declaration))
    if not patents:
        raise LicensingError(_("This open licence declaration no longer covers any patent."))
    _listing_patents(listing, patents)
    _require_not_own(declaration, licensee, patents)
    term_start, term_end = on, declaration.period_end
    _require_no_overlap(licensee, patents, term_start, term_end)

    licence = OpenLicence(
        reference=_new_reference(),
        declaration=declaration,
        licensor=declaration.licensor,
        licensee=licensee,
        listing=listing,
        term_start=term_start,
        term_end=term_end,
        obtained_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{name: getattr(declaration, name) for name in ALL_TERMS},
    )
    licence.full_clean(exclude=["patents", "registry_entries", "payment"])
    licence.save()
    licence.patents.set(patents)
    draft = notice_draft(
        declaration=declaration,
        licensee=licensee,
        patents=patents,
        term_start=term_start,
        term_end=term_end,
        reference=licence.reference,
        confirmed_by=actor,
        confirmed_at=timezone.localtime(),
    )
    audit_record(
        actor=actor,
        action="licence.obtain",
        target=licence,
        summary=f"{licence.reference} {licensee.name_zh}",
        data={"declaration": declaration.pk, "notice_sha256": draft.sha256_pdf},
    )
    email_on_commit(
        template="licence_notice",
        to=_admin_emails(declaration.licensor),
        context={**_mail_context(licence), "sha256_html": draft.sha256_html, "sha256_pdf": draft.sha256_pdf},
    )
    amount = licence.upfront_amount
    if not amount:
        licence = licence_take_effect(licence, on)
    else:
        from ..payments.services import payment_create

        licence.payment = payment_create(
            purpose=PaymentPurpose.OPEN_LICENCE_FEE,
            description=_("Open licence %(reference)s: %(fee)s")
            % {"reference": licence.reference, "fee": licence.get_fee_type_display()},
            amount=amount,
            payer=licensee,
            payee=declaration.licensor,
            actor=actor,
        )
        licence.save(update_fields=["payment"])
    # The notice's file is stored last, once nothing else can refuse: a refusal leaves no file behind.
    notice_store(licence=licence, draft=draft, confirmed_by=actor)
    return licence


@transaction.atomic
def licence_take_effect(licence: OpenLicence, on: datetime.date) -> OpenLicence:
    """The licence is in force: each patent's open licence goes to the registry, both parties are told, and each
    recordal's three-month clock starts. Once only: a licence in force is returned as it is."""
    licence = OpenLicence.objects.select_for_update().select_related("licensor", "licensee").get(pk=licence.pk)
    if licence.status == LicenceStatus.IN_FORCE:
        return licence
    if licence.status != LicenceStatus.AWAITING_PAYMENT:
        raise LicensingError(
            _("Licence %(reference)s is %(status)s: it cannot take effect.")
            % {"reference": licence.reference, "status": licence.get_status_display()}
        )
    entries = []
    for patent in licence.patents.order_by("application_number"):
        entry = registry.licence_record(
            actor=None,
            patent=patent,
            licensees=[registry.Holding(licence.licensee)],
            licence_type=LicenceType.OPEN,
            # Obtained (the notice given) on the first day of its term, under the declaration then in force.
            execution_date=licence.term_start,
            registration_date=on,
            effective_date=on,
            term_start=licence.term_start,
            term_end=licence.term_end,
            details={"contract": licence.reference},
        )
        registry_recordals.licence_recordal_open(
            actor=None,
            patent=patent,
            licensees=[licence.licensee],
            licence_type=LicenceType.OPEN,
            term_start=licence.term_start,
            term_end=licence.term_end,
            effective_date=on,
            reference=licence.reference,
            contact=licence.obtained_by,
            entry=entry,
        )
        entries.append(entry)
    licence.status = LicenceStatus.IN_FORCE
    licence.effective_on = on
    licence.save(update_fields=["status", "effective_on"])
    licence.registry_entries.add(*entries)
    # A running royalty is reported period by period from the day the licence took effect.
    reports.reports_schedule(licence=licence, start=on)
    audit_record(
        actor=None,
        action="licence.take_effect",
        target=licence,
        summary=f"{licence.reference} {on:%Y-%m-%d}",
        data={"entries": [entry.sequence for entry in entries]},
    )
    context = {
        **_mail_context(licence),
        "effective_on": on.isoformat(),
        "entries": ", ".join(f"#{entry.sequence}" for entry in entries),
        "recordal_deadline": recordal_deadline(on).isoformat(),
    }
    email_on_commit(
        template="licence_in_force",
        to=_admin_emails(licence.licensor) + _member_emails(licence.licensee),
        context=context,
    )
    return licence


def licence_paid(payment: Payment) -> None:
    """The ``on_succeeded`` handler of open licence fees: the licence takes effect on the day it was paid."""
    licence = OpenLicence.objects.filter(payment=payment).first()
    if licence is None:
        return
    paid_at = payment.succeeded_at or timezone.now()
    try:
        with transaction.atomic():
            licence_take_effect(licence, timezone.localdate(paid_at))
    except Refused as error:
        # The money arrived, but the registry no longer lets the licence take effect (the patent lapsed, the
        # declaration was withdrawn the day it was obtained): the payment stays recorded, the licence is cancelled
        # and the fee is to be refunded, with the reason.
        _cancel_refused(licence, payment, str(error))


def _cancel_refused(licence: OpenLicence, payment: Payment, reason: str) -> None:
    licence = OpenLicence.objects.select_for_update().select_related("licensor", "licensee").get(pk=licence.pk)
    licence.status = LicenceStatus.CANCELLED
    licence.save(update_fields=["status"])
    audit_record(
        actor=None,
        action="licence.cancel_refused",
        target=licence,
        summary=f"{licence.reference} {payment.reference}",
        data={"payment": payment.reference, "reason": reason},
    )
    email_on_commit(
        template="licence_refused_after_payment",
        to=_admin_emails(licence.licensor) + _member_emails(licence.licensee) + permissions.finance_emails(),
        context={**_mail_context(licence), "payment": payment.reference, "reason": reason},
    )


@transaction.atomic
def licence_cancel_unpaid(payment: Payment) -> OpenLicence | None:
    """The fee's payment expired unpaid: the licence awaiting it is cancelled (the firm may obtain it again while
    the declaration is in force). Returns the licence cancelled, or ``None`` when there was none awaiting."""
    licence = (
        OpenLicence.objects.select_for_update()
        .select_related("licensor", "licensee")
        .filter(payment=payment, status=LicenceStatus.AWAITING_PAYMENT)
        .first()
    )
    if licence is None:
        return None
    licence.status = LicenceStatus.CANCELLED
    licence.save(update_fields=["status"])
    audit_record(
        actor=None,
        action="licence.cancel_unpaid",
        target=licence,
        summary=f"{licence.reference} {payment.reference}",
        data={"payment": payment.reference},
    )
    email_on_commit(
        template="licence_cancelled",
        to=_admin_emails(licence.licensor) + _member_emails(licence.licensee),
        context={**_mail_context(licence), "payment": payment.reference},
    )
    return licence


@transaction.atomic
def licence_end_refunded(payment: Payment) -> OpenLicence | None:
    """The ``on_refunded`` handler of open licence fees: a licence whose fee went back to the licensee (refunded by
    the finance staff or in Stripe, a chargeback lost) ends that day. Each patent's licence entry on the registry is
    followed by its termination, and both parties are told. A licence not in force (cancelled, ended) is left."""
    licence = (
        OpenLicence.objects.select_for_update()
        .select_related("licensor", "licensee")
        .filter(payment=payment, status=LicenceStatus.IN_FORCE)
        .first()
    )
    if licence is None:
        return None
    on = timezone.localdate()
    reason = _("Its fee (payment %(payment)s) was refunded.") % {"payment": payment.reference}
    ended = []
    for entry in licence.registry_entries.filter(kind=EntryKind.LICENCE).select_related("patent").order_by("sequence"):
        ended.append(
            registry.licence_terminate(
                actor=None,
                licence=entry,
                registration_date=on,
                reason=reason,
                details={"contract": licence.reference, "payment": payment.reference},
            )
        )
    licence.status = LicenceStatus.TERMINATED
    licence.ended_on = on
    licence.frozen_at = None
    licence.save(update_fields=["status", "ended_on", "frozen_at"])
    licence.registry_entries.add(*ended)
    audit_record(
        actor=None,
        action="licence.end_refunded",
        target=licence,
        summary=f"{licence.reference} {payment.reference}",
        data={"payment": payment.reference, "entries": [entry.sequence for entry in ended]},
    )
    email_on_commit(
        template="licence_ended",
        to=_admin_emails(licence.licensor) + _member_emails(licence.licensee),
        context={**_mail_context(licence), "payment": payment.reference, "ended_on": on.isoformat(), "reason": reason},
    )
    return licence


@transaction.atomic
def licence_freeze(payment: Payment, frozen: bool) -> OpenLicence | None:
    """The ``on_disputed`` handler of open licence fees: while the licensee's bank disputes the fee the licence in
    force is frozen (its page says so); a dispute won unfreezes it. The registry is not written: a dispute is not a
    change of the licence until it is lost, and then the licence ends (:func:`licence_end_refunded`)."""
    licence = OpenLicence.objects.select_for_update().filter(payment=payment, status=LicenceStatus.IN_FORCE).first()
    if licence is None or (licence.frozen_at is not None) == frozen:
        return licence
    licence.frozen_at = timezone.now() if frozen else None
    licence.save(update_fields=["frozen_at"])
    audit_record(
        actor=None,
        action="licence.frozen" if frozen else "licence.unfrozen",
        target=licence,
        summary=f"{licence.reference} {payment.reference}",
        data={"payment": payment.reference},
    )
    return licence


AUDIT_ACTIONS = {
    "licence.obtain": gettext_lazy("Open licence obtained"),
    "licence.take_effect": gettext_lazy("Open licence took effect"),
    "licence.cancel_unpaid": gettext_lazy("Open licence cancelled (not paid)"),
    "licence.cancel_refused": gettext_lazy("Open licence cancelled after payment (the registry refused it)"),
    "licence.end_refunded": gettext_lazy("Open licence ended (its fee refunded)"),
    "licence.frozen": gettext_lazy("Open licence frozen (its fee disputed)"),
    "licence.unfrozen": gettext_lazy("Open licence unfrozen (the dispute won)"),
}
