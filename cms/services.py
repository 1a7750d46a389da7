"""Writes of the editorial pages: a member's registration for an event, and its cancellation.

Both lock the event's row first, so two members asking for the last place at once are served one after the other:
one gets it, the other the waiting list. A cancelled confirmed place goes to the first on the waiting list (the
earliest to ask), who is told by e-mail.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techmarket.notifications import absolute_url, email_on_commit

from . import models
from .choices import RegistrationStatus
from .exceptions import AlreadyRegistered, RegistrationError


def _locked(event: models.EventPage) -> models.EventPage:
    return models.EventPage.objects.select_for_update().get(pk=event.pk)


def _email(template: str, registration: models.EventRegistration, event: models.EventPage) -> None:
    email_on_commit(
        template=template,
        to=[registration.user.email],
        context={
            "title": event.title,
            "starts": timezone.localtime(event.starts_at).strftime("%Y-%m-%d %H:%M"),
            "place": event.place or event.online_url,
            "url": absolute_url(event.url or ""),
        },
    )


def event_register(*, user, event: models.EventPage) -> models.EventRegistration:
    """Give the member a place at the event, or a place at the back of its waiting list when it is full."""
    with transaction.atomic():
        event = _locked(event)
        if not event.live or event.starts_at <= timezone.now():
            raise RegistrationError(_("Registration for this event is closed."))
        registration = models.EventRegistration.objects.filter(event=event, user=user).first()
        if registration is not None and registration.status == RegistrationStatus.CONFIRMED:
            raise AlreadyRegistered(_("You are already registered for this event."))
        if registration is not None and registration.status == RegistrationStatus.WAITING:
            raise AlreadyRegistered(_("You are already on the waiting list of this event."))
        taken = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        full = event.capacity is not None and taken >= event.capacity
        registration = registration or models.EventRegistration(event=event, user=user)
        registration.status = RegistrationStatus.WAITING if full else RegistrationStatus.CONFIRMED
        registration.registered_at = timezone.now()  # a member who had cancelled goes to the back of the queue
        registration.full_clean()
        try:
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:  # the same member's other request got there first
            raise AlreadyRegistered(_("You are already registered for this event.")) from error
        _email("event_waiting" if full else "event_registered", registration, event)
    return registration


def event_registration_cancel(*, user, event: models.EventPage) -> models.EventRegistration:
    """Cancel the member's place or waiting-list place; a freed place goes to the first on the waiting list."""
    with transaction.atomic():
        event = _locked(event)
        registration = (
            models.EventRegistration.objects.filter(event=event, user=user)
            .exclude(status=RegistrationStatus.CANCELLED)
            .first()
        )
        if registration is None:
            raise RegistrationError(_("You are not registered for this event."))
        freed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        if freed:
            _promote_waiting(event)
    return registration


def _promote_waiting(event: models.EventPage) -> list[models.EventRegistration]:
    """Move the earliest on the waiting list up into the free places (more than one if the capacity was raised)."""
    taken = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    free = None if event.capacity is None else max(event.capacity - taken, 0)
    waiting = event.registrations.filter(status=RegistrationStatus.WAITING).select_related("user")
    promoted = list(waiting.order_by("registered_at", "id")[:free] if free is not None else waiting)
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        _email("event_promoted", registration, event)
    return promoted
