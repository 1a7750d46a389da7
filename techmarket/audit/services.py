"""Writing audit rows. Services call :func:`audit_record` (or, writing in bulk, :func:`audit_record_many`) inside
their transaction."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEvent

BATCH_SIZE = 1000


def audit_record(
    *, actor, action: str, target: models.Model, summary: str = "", data: dict[str, Any] | None = None
) -> AuditEvent:
    return AuditEvent.objects.create(**_fields(actor, AuditRecord(action, target, summary, data or {})))


@dataclass(frozen=True)
class AuditRecord:
    """One row for :func:`audit_record_many`: what was done, to what."""

    action: str
    target: models.Model
    summary: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def audit_record_many(*, actor, records: Iterable[AuditRecord]) -> None:
    """The rows :func:`audit_record` would write one by one, in a few inserts (for services that write in bulk)."""
    AuditEvent.objects.bulk_create((AuditEvent(**_fields(actor, record)) for record in records), batch_size=BATCH_SIZE)


def _fields(actor, record: AuditRecord) -> dict[str, Any]:
    return {
        "actor": actor if getattr(actor, "is_authenticated", False) else None,
        "action": record.action,
        "target_type": ContentType.objects.get_for_model(record.target, for_concrete_model=False),
        "target_id": str(record.target.pk),
        "summary": record.summary[:300],
        "data": record.data,
    }
