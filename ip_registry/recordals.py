"""Licence contracts awaiting recordal: opened when a contract takes effect, closed when a clerk records it.

A licence contract is recorded (备案) with CNIPA within three months of taking
effect. The ledger holds a licence only from its recordal on, so a contract the
platform knows of before that (the licensing app reports each one that takes
effect) waits as a :class:`~ip_registry.models.LicenceRecordal` with its
deadline. :func:`licence_recordal_record` records it through
:func:`ip_registry.services.licence_record`, with the contract's terms and its
effective date, and links the entry, in one transaction: the contract leaves
the list of those awaiting recordal exactly when its licence enters the ledger.

An open licence obtained on the platform enters the ledger the day it takes
effect (the licensing app writes it through ``services.licence_record``); its
recordal is opened linked to that entry (``entry=``) and still awaits CNIPA's
recordal: recording it then stores the recordal's date and number on the
recordal and writes no second entry.

:func:`recordal_reminders_send`, run daily (``manage.py send_recordal_reminders``),
e-mails the licensor's administrators and the contract's contact a week before
the deadline, once per contract: the time it was sent is stored with the row
locked, so two runs never both send it.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from techmarket.accounts.models import Membership, Organisation
from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit

from . import permissions, services
from .choices import EntryKind
from .exceptions import RegistryError
from .ledger import recordal_deadline
from .models import LicenceRecordal, Patent, RegistryEntry

logger = logging.getLogger(__name__)


@transaction.atomic
def licence_recordal_open(
    *,
    actor,
    patent: Patent,
    licensees: Sequence[Organisation],
    licence_type: str,
    term_start: datetime.date,
    term_end: datetime.date,
    effective_date: datetime.date,
    reference: str = "",
    contact=None,
    entry: RegistryEntry | None = None,
) -> LicenceRecordal:
    """A licence contract of the patent took effect: expect its recordal within three months.

    The licensing app calls this when a contract it handled takes effect
    (``actor=None``: it checks its own permissions); a clerk may too. The
    registry's licence rules are checked when the contract is recorded, against
    the patent as it is then. ``entry`` is the licence's ledger entry when it is
    already in the ledger (an open licence the platform recorded as it took
    effect): the recordal then awaits CNIPA's recordal only.
    """
    if actor is not None and not permissions.can_record_entries(actor):
        raise PermissionDenied
    if not licensees:
        raise RegistryError(_("Name at least one %(party)s.") % {"party": _("licensee")})
    if entry is not None and (entry.patent_id != patent.pk or entry.kind != EntryKind.LICENCE):
        raise ValueError(f"entry #{entry.sequence} is not a licence of {patent.application_number}")
    recordal = LicenceRecordal(
        entry=entry,
        patent=patent,
        licence_type=licence_type,
        term_start=term_start,
        term_end=term_end,
        effective_date=effective_date,
        deadline=recordal_deadline(effective_date),
        reference=reference,
        contact=contact,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    recordal.full_clean()
    recordal.save()
    recordal.licensees.set(licensees)
    audit_record(
        actor=actor,
        action="registry.recordal_open",
        target=patent,
        summary=f"{patent.application_number} {recordal.effective_date:%Y-%m-%d}",
        data={"recordal": recordal.pk, "deadline": recordal.deadline.isoformat()},
    )
    return recordal


@transaction.atomic
def licence_recordal_record(
    *,
    actor,
    recordal: LicenceRecordal,
    registration_date: datetime.date,
    registration_number: str = "",
    execution_date: datetime.date | None = None,
    details: dict | None = None,
) -> RegistryEntry:
    """Record the contract's licence in the ledger (with its terms and effective date) and link the entry to it.

    The row is locked first, so a contract is recorded once however many clerks
    press the button; :func:`services.licence_record` checks the permission and
    the licence rules, and a refusal leaves the contract awaiting recordal. A
    recordal opened for a licence already in the ledger takes the recordal's
    date and number and returns that entry: the ledger gets no second one.
    """
    recordal = LicenceRecordal.objects.select_for_update().get(pk=recordal.pk)
    if recordal.is_recorded:
        raise RegistryError(
            _("This licence contract has already been recorded (entry #%(sequence)s).")
            % {"sequence": recordal.entry.sequence}
        )
    if recordal.entry_id is not None:
        return _linked_recordal_record(
            actor=actor, recordal=recordal, registration_date=registration_date, registration_number=registration_number
        )
    entry = services.licence_record(
        actor=actor,
        patent=recordal.patent,
        licensees=[services.Holding(organisation) for organisation in recordal.licensees.order_by("pk")],
        licence_type=recordal.licence_type,
        term_start=recordal.term_start,
        term_end=recordal.term_end,
        effective_date=recordal.effective_date,
        execution_date=execution_date,
        registration_date=registration_date,
        registration_number=registration_number,
        details={**(details or {}), **({"contract": recordal.reference} if recordal.reference else {})},
    )
    recordal.entry = entry
    recordal.recorded_on = registration_date
    recordal.registration_number = registration_number
    recordal.save(update_fields=["entry", "recorded_on", "registration_number"])
    return entry


def _linked_recordal_record(
    *, actor, recordal: LicenceRecordal, registration_date: datetime.date, registration_number: str
) -> RegistryEntry:
    """CNIPA recorded a licence the ledger holds already: keep the recordal's date and number on the recordal."""
    if actor is not None and not permissions.can_record_entries(actor):
        raise PermissionDenied
    if registration_date < recordal.effective_date:
        raise RegistryError(_("A licence cannot be recorded before it took effect."))
    recordal.recorded_on = registration_date
    recordal.registration_number = registration_number
    recordal.save(update_fields=["recorded_on", "registration_number"])
    entry = recordal.entry
    audit_record(
        actor=actor,
        action="registry.recordal_recorded",
        target=recordal.patent,
        summary=f"{recordal.patent.application_number} #{entry.sequence} {registration_number}".strip(),
        data={"recordal": recordal.pk, "entry": entry.sequence, "recorded_on": registration_date.isoformat()},
    )
    return entry


# Reminders ------------------------------------------------------------------------------------------------------


def recordal_reminders_send(*, on: datetime.date) -> int:
    """E-mail each contract whose deadline is a week away or less (as of ``on``) and not reminded yet; the count."""
    sent = 0
    for pk in LicenceRecordal.objects.to_remind(on).values_list("pk", flat=True):
        try:
            sent += _remind(pk, on)
        except Exception:  # one broken row must not stop everyone else's reminders
            logger.exception("recordal reminder failed for recordal %s", pk)
    return sent


def _recipients(recordal: LicenceRecordal) -> list[str]:
    """The licensor's administrators (the right holders today) and the contract's contact."""
    admins = Membership.objects.admins().filter(
        organisation__patent_holdings__patent=recordal.patent, user__is_active=True
    )
    emails = list(admins.values_list("user__email", flat=True))
    if recordal.contact is not None and recordal.contact.is_active:
        emails.append(recordal.contact.email)
    return sorted({email for email in emails if email})


@transaction.atomic
def _remind(pk: int, on: datetime.date) -> int:
    # With the row locked, a second run at the same moment waits here, then finds it reminded (or recorded).
    recordal = LicenceRecordal.objects.select_for_update().filter(pk=pk).to_remind(on).first()
    if recordal is None:
        return 0
    recipients = _recipients(recordal)
    if not recipients:
        logger.warning("recordal %s: nobody to remind (no administrator of the licensor, no contact)", pk)
        return 0
    recordal.reminder_sent_at = timezone.now()
    recordal.save(update_fields=["reminder_sent_at"])
    patent = recordal.patent
    with translation.override(settings.LANGUAGE_CODE):  # links in the site's language, whoever runs this
        url = absolute_url(reverse("ip_registry:patent_detail", args=[patent.application_number]))
    email_on_commit(
        template="licence_recordal_due",
        to=recipients,
        context={
            "number": patent.application_number,
            "title": patent.display_title,
            "licensees": "、".join(recordal.licensees.order_by("pk").values_list("name_zh", flat=True)),
            "effective_date": recordal.effective_date.isoformat(),
            "deadline": recordal.deadline.isoformat(),
            "days": recordal.days_left(on),
            "reference": recordal.reference,
            "url": url,
        },
    )
    audit_record(
        actor=None,
        action="registry.recordal_reminded",
        target=patent,
        summary=f"{patent.application_number} {recordal.deadline:%Y-%m-%d}",
        data={"recordal": recordal.pk, "recipients": len(recipients)},
    )
    return 1
