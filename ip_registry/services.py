"""Writes to the registry. Every event goes through :func:`_append`, the only code that adds ledger entries.

Each service locks the patent row first (``select_for_update``), replays the
patent's entries to learn its current owners, licences and pledges, checks the
event against them, then locks the ledger head, appends the hash-chained entry,
counts a transfer in its monthly tally and, for ownership events, rewrites the
derived right holders. Two concurrent assignments of one patent therefore run
one after the other, and the second finds that its assignors no longer own the
patent.

``actor`` is the person recording the event, or ``None`` for the system itself
(management commands such as ``import_transfers``, and other apps' services
acting on a user's behalf, which check their own permissions).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from techmarket.accounts.models import Organisation
from techmarket.audit.services import AuditRecord, audit_record, audit_record_many

from . import permissions
from .choices import OWNERSHIP_KINDS, RESTRICTIVE_LICENCES, EntryKind, LegalStatus, LicenceType, region_of
from .exceptions import RegistryError
from .ledger import PatentState, derive_state, entry_hash, is_cross_province, sets_holders
from .models import LedgerHead, Patent, RegistryEntry, RightHolder
from .tallies import tally_add

HUNDRED = Decimal("100.00")
_BATCH = 1000  # rows per INSERT or UPDATE when a service writes in bulk
PATENT_EDITABLE_FIELDS = (
    "title",
    "abstract",
    "filing_date",
    "grant_date",
    "legal_status",
    "ipc_codes",
    "inventors",
    "annual_fee_paid_until",
    "has_evaluation_report",
)
# Patents in these states cannot change hands or be licensed any more.
ENDED_STATUSES = (LegalStatus.INVALIDATED, LegalStatus.EXPIRED, LegalStatus.WITHDRAWN)


@dataclass(frozen=True)
class Holding:
    """A party to an event: an organisation and, for owners, its share in per cent."""

    organisation: Organisation
    share: Decimal | None = None


def _check_actor(actor) -> None:
    if actor is not None and not permissions.can_record_entries(actor):
        raise PermissionDenied


def _party(holding: Holding, share: Decimal | None) -> dict:
    organisation = holding.organisation
    return {
        "organisation": organisation.pk,
        "name": organisation.name_zh,
        "credit_code": organisation.credit_code or "",
        "province": organisation.province,
        "city": organisation.city,
        "share": None if share is None else f"{share:.2f}",
    }


def _owners(holdings: Sequence[Holding]) -> list[dict]:
    """Owner parties with shares adding up to 100; when none are given, equal shares (the first takes the cents)."""
    if not holdings:
        raise RegistryError(_("Name at least one right holder."))
    ids = [holding.organisation.pk for holding in holdings]
    if len(set(ids)) != len(ids):
        raise RegistryError(_("Each right holder may be named only once."))
    if all(holding.share is None for holding in holdings):
        each = (HUNDRED / len(holdings)).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
        shares = [HUNDRED - each * (len(holdings) - 1)] + [each] * (len(holdings) - 1)
    elif any(holding.share is None or holding.share <= 0 for holding in holdings):
        raise RegistryError(_("Give every right holder a share above zero, or none of them."))
    else:
        shares = [Decimal(holding.share).quantize(Decimal("0.01")) for holding in holdings]
        if sum(shares) != HUNDRED:
            raise RegistryError(
                _("The right holders' shares add up to %(total)s%%, not 100%%.") % {"total": sum(shares)}
            )
    return [_party(holding, share) for holding, share in zip(holdings, shares, strict=True)]


def _counterparties(holdings: Sequence[Holding], what: str) -> list[dict]:
    if not holdings:
        raise RegistryError(_("Name at least one %(party)s.") % {"party": what})
    return [_party(holding, None) for holding in holdings]


def _lock(patent: Patent) -> tuple[Patent, list[RegistryEntry], PatentState]:
    """Lock the patent row and replay its entries; everything after this sees a state nobody else can change."""
    locked = Patent.objects.select_for_update().get(pk=patent.pk)
    entries = list(locked.entries.order_by("sequence"))
    return locked, entries, derive_state(entries, timezone.localdate())


def _chained_entry(
    *,
    actor,
    patent: Patent,
    kind: str,
    registration_date: datetime.date,
    after: tuple[int, str],
    from_parties=(),
    to_parties=(),
    **fields,
) -> RegistryEntry:
    """The entry that follows ``after`` (the sequence and hash of the chain's last entry): checked, hashed, unsaved."""
    if registration_date is None:
        raise RegistryError(_("Give the registration date."))
    from_parties, to_parties = list(from_parties), list(to_parties)
    entry = RegistryEntry(
        sequence=after[0] + 1,
        previous_hash=after[1],
        patent=patent,
        kind=kind,
        registration_date=registration_date,
        parties={"from": from_parties, "to": to_parties},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        recorded_at=timezone.now(),
        from_region=region_of(from_parties[0]["province"]) if from_parties else "",
        to_region=region_of(to_parties[0]["province"]) if to_parties else "",
        cross_province=is_cross_province(from_parties, to_parties),
        ipc_section=patent.ipc_section,
        **fields,
    )
    entry.full_clean(exclude=["patent", "related_entry", "actor", "sequence", "previous_hash", "hash", "recorded_at"])
    if entry.execution_date and entry.execution_date > registration_date:
        raise RegistryError(_("An event cannot be registered before it was executed."))
    entry.hash = entry_hash(after[1], entry)
    return entry


def _holder_rows(patent: Patent, parties: Sequence[dict]) -> list[RightHolder]:
    return [
        RightHolder(patent=patent, organisation_id=party["organisation"], share=Decimal(party["share"]), position=i)
        for i, party in enumerate(parties)
    ]


def _entry_audit(entry: RegistryEntry) -> AuditRecord:
    return AuditRecord(
        action=f"registry.{entry.kind}",
        target=entry.patent,
        summary=f"{entry.patent.application_number} #{entry.sequence}",
        data={"sequence": entry.sequence, "hash": entry.hash},
    )


def _append(*, actor, patent: Patent, kind: str, registration_date: datetime.date, **fields) -> RegistryEntry:
    """Add one entry at the end of the chain. The caller holds the patent's lock."""
    # The head row comes with the migrations; get_or_create also covers a database emptied since.
    head, _created = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    entry = _chained_entry(
        actor=actor,
        patent=patent,
        kind=kind,
        registration_date=registration_date,
        after=(head.sequence, head.hash),
        **fields,
    )
    entry.save()
    tally_add(entry)
    head.sequence, head.hash = entry.sequence, entry.hash
    head.save(update_fields=["sequence", "hash"])
    if kind in OWNERSHIP_KINDS:
        RightHolder.objects.filter(patent=patent).delete()
        RightHolder.objects.bulk_create(_holder_rows(patent, entry.to_parties))
    audit_record_many(actor=actor, records=[_entry_audit(entry)])
    return entry


def _require_holders(state: PatentState) -> None:
    if not state.holders:
        raise RegistryError(_("The registry does not know this patent's right holders yet; record them first."))


def _require_valid(patent: Patent, action: str) -> None:
    if patent.legal_status != LegalStatus.VALID:
        raise RegistryError(
            _("Only a granted patent in force can be %(action)s; this one is %(status)s.")
            % {"action": action, "status": patent.get_legal_status_display()}
        )


def _is_joint_cross_province(patent: Patent, applicants: Sequence[dict]) -> bool:
    """An invention applied for by organisations in more than one province: what the joint-application target counts."""
    return not patent.needs_evaluation_report and len({party["province"] for party in applicants}) > 1


@transaction.atomic
def patent_register(
    *,
    actor,
    application_number: str,
    holders: Sequence[Holding] = (),
    title: str = "",
    filing_date: datetime.date | None = None,
    **fields,
) -> Patent:
    """Add a patent to the registry with its first right holders (an application entry, and a grant entry if granted).

    Without holders the patent is known only by its number: its history starts
    with the first assignment that names them (as when importing CNIPA records).
    """
    _check_actor(actor)
    unknown = set(fields) - set(PATENT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not a patent field: {', '.join(sorted(unknown))}")
    patent = Patent(application_number=application_number, title=title, filing_date=filing_date, **fields)
    patent.full_clean()
    owners = _owners(holders) if holders else []
    patent.joint_cross_province = _is_joint_cross_province(patent, owners)
    patent.save()
    if owners:
        _append(
            actor=actor,
            patent=patent,
            kind=EntryKind.APPLICATION,
            registration_date=filing_date,
            to_parties=owners,
        )
        if patent.grant_date:
            _append(
                actor=actor, patent=patent, kind=EntryKind.GRANT, registration_date=patent.grant_date, to_parties=owners
            )
    return patent


@dataclass(frozen=True)
class Filing:
    """A patent application as CNIPA's bibliographic data records it: its number, filing date and applicants.

    ``details`` are other fields of the patent to set (``title``, ``ipc_codes``, ``grant_date``,
    ``legal_status``, ...): on a new patent, its description; on one the registry has, the changes to make.
    """

    application_number: str
    filing_date: datetime.date
    applicants: Sequence[Holding]
    details: dict = field(default_factory=dict)


@dataclass
class FilingsRecorded:
    """What :func:`patents_record_filings` wrote."""

    created: list[Patent] = field(default_factory=list)  # registered with their applicants
    completed: list[Patent] = field(default_factory=list)  # known before, now with their applicants
    updated: list[Patent] = field(default_factory=list)  # known before, their details changed
    entries: int = 0


@transaction.atomic
def patents_record_filings(*, actor, filings: Sequence[Filing]) -> FilingsRecorded:
    """Record many patents' applications at once, in a few queries: what an import of 100,000 needs.

    A patent the registry does not know is registered as :func:`patent_register` would register it: an
    application entry naming its applicants, and a grant entry if it has a grant date. A patent the registry
    knows by number only (an assignment record brought it in) gains its application entry; if it already has
    holders, they stay its holders (see :func:`ledger.sets_holders`). A patent whose applicants the ledger
    already records is refused, as is a filing date other than the one the registry has. The patents are
    locked, then the ledger head once for all the entries.
    """
    _check_actor(actor)
    for filing in filings:
        unknown = set(filing.details) - set(PATENT_EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not a patent field: {', '.join(sorted(unknown))}")
    numbers = [filing.application_number for filing in filings]
    if len(set(numbers)) != len(numbers):
        raise ValueError("each patent may be filed only once")
    # Locked in the order of their numbers, so that two imports naming the same patents wait rather than deadlock.
    known = {
        patent.application_number: patent
        for chunk in _chunks(sorted(numbers))
        for patent in Patent.objects.select_for_update()
        .filter(application_number__in=chunk)
        .order_by("application_number")
    }
    holders_before = _holders_of(known.values())
    recorded = FilingsRecorded()
    owners: dict[str, list[dict]] = {}
    changes: dict[Patent, dict] = {}
    for filing in filings:
        owners[filing.application_number] = _owners(filing.applicants)
        patent = known.get(filing.application_number)
        if patent is None:
            recorded.created.append(_new_filed_patent(filing, owners[filing.application_number]))
        else:
            changes[patent] = _complete_filed_patent(patent, filing, owners[filing.application_number])
            recorded.completed.append(patent)
    Patent.objects.bulk_create(recorded.created, batch_size=_BATCH)
    recorded.updated = [patent for patent, changed in changes.items() if changed]
    for patent, changed in changes.items():
        # One by one, not bulk_update (whose CASE per row is slower here), and so the search index hears of it.
        patent.save(update_fields=[*changed, "joint_cross_province", "updated_at"])
    entries = _append_filings(actor, recorded.created, recorded.completed, owners, holders_before)
    recorded.entries = len(entries)
    audit_record_many(
        actor=actor,
        records=[
            *(_entry_audit(entry) for entry in entries),
            *(
                AuditRecord("patent.update", patent, patent.application_number, changes[patent])
                for patent in recorded.updated
            ),
        ],
    )
    return recorded


def _chunks(values: Sequence, size: int = 500) -> list[Sequence]:
    """Slices short enough for an IN (...) list, whatever SQLite's limit on query parameters."""
    return [values[start : start + size] for start in range(0, len(values), size)]


def _holders_of(patents) -> dict[int, list[dict]]:
    """Each patent's current holders by replaying its ownership entries; refuses one whose applicants are known."""
    by_id = {patent.pk: patent for patent in patents}
    holders: dict[int, list[dict]] = {}
    for chunk in _chunks(list(by_id)):
        entries = RegistryEntry.objects.filter(patent_id__in=chunk, kind__in=OWNERSHIP_KINDS).order_by("sequence")
        for entry in entries.only("patent_id", "kind", "parties"):
            if entry.kind == EntryKind.APPLICATION:
                raise RegistryError(
                    _("The registry already records the applicants of %(number)s.")
                    % {"number": by_id[entry.patent_id].application_number}
                )
            if sets_holders(entry.kind, holders.get(entry.patent_id)):
                holders[entry.patent_id] = entry.to_parties
    return holders


def _new_filed_patent(filing: Filing, owners: list[dict]) -> Patent:
    patent = Patent(application_number=filing.application_number, filing_date=filing.filing_date, **filing.details)
    # Unique numbers: the lookup under lock found none of these, and the table's unique index backs it up.
    patent.full_clean(validate_unique=False)
    patent.joint_cross_province = _is_joint_cross_province(patent, owners)
    return patent


def _complete_filed_patent(patent: Patent, filing: Filing, owners: list[dict]) -> dict:
    """Set the filing's details on a patent the registry knows; the changes, as the audit row records them."""
    if patent.filing_date and patent.filing_date != filing.filing_date:
        raise RegistryError(
            _("The registry has %(number)s filed on %(registered)s, not on %(given)s.")
            % {"number": patent.application_number, "registered": patent.filing_date, "given": filing.filing_date}
        )
    before = {name: getattr(patent, name) for name in ("filing_date", *filing.details)}
    patent.filing_date = filing.filing_date
    for name, value in filing.details.items():
        setattr(patent, name, value)
    patent.full_clean(validate_unique=False)
    patent.joint_cross_province = _is_joint_cross_province(patent, owners)
    return {
        name: [str(value), str(getattr(patent, name))]
        for name, value in before.items()
        if value != getattr(patent, name)
    }


def _append_filings(
    actor, created: list[Patent], completed: list[Patent], owners: dict[str, list[dict]], holders_before: dict
) -> list[RegistryEntry]:
    """The application entries, and a new granted patent's grant entry, chained after the head in one go.

    Neither kind is a transfer, so no tally counts them.
    """
    head, _created = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    after = (head.sequence, head.hash)
    entries: list[RegistryEntry] = []
    holder_rows: list[RightHolder] = []
    new = set(created)
    for patent in [*created, *completed]:
        applicants = owners[patent.application_number]
        events = [(EntryKind.APPLICATION, patent.filing_date)]
        if patent.grant_date and patent in new:
            events.append((EntryKind.GRANT, patent.grant_date))  # as patent_register records a granted patent
        for kind, day in events:
            entry = _chained_entry(
                actor=actor, patent=patent, kind=kind, registration_date=day, after=after, to_parties=applicants
            )
            entries.append(entry)
            after = (entry.sequence, entry.hash)
        if sets_holders(EntryKind.APPLICATION, holders_before.get(patent.pk)):
            holder_rows.extend(_holder_rows(patent, applicants))
    RegistryEntry.objects.bulk_create(entries, batch_size=_BATCH)
    head.sequence, head.hash = after
    head.save(update_fields=["sequence", "hash"])
    RightHolder.objects.bulk_create(holder_rows, batch_size=_BATCH)
    return entries


@transaction.atomic
def patent_update(*, actor, patent: Patent, **changes) -> Patent:
    """Change a patent's description or status (not its owners: those change only through ledger events)."""
    _check_actor(actor)
    unknown = set(changes) - set(PATENT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    patent = Patent.objects.select_for_update().get(pk=patent.pk)
    before = {name: getattr(patent, name) for name in changes}
    for name, value in changes.items():
        setattr(patent, name, value)
    patent.full_clean()
    patent.save()
    changed = {name: [str(before[name]), str(value)] for name, value in changes.items() if before[name] != value}
    audit_record(actor=actor, action="patent.update", target=patent, summary=patent.application_number, data=changed)
    return patent


@transaction.atomic
def patent_grant(
    *, actor, patent: Patent, grant_date: datetime.date, registration_number: str = "", annual_fee_paid_until=None
) -> RegistryEntry:
    _check_actor(actor)
    patent, _entries, state = _lock(patent)
    if patent.legal_status != LegalStatus.PENDING:
        raise RegistryError(_("Only a pending application can be granted."))
    _require_holders(state)
    patent.grant_date, patent.legal_status = grant_date, LegalStatus.VALID
    patent.annual_fee_paid_until = annual_fee_paid_until or patent.annual_fee_paid_until
    patent.full_clean()
    patent.save()
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.GRANT,
        registration_date=grant_date,
        registration_number=registration_number,
        to_parties=state.holders,
    )


@transaction.atomic
def patent_assign(
    *,
    actor,
    patent: Patent,
    assignees: Sequence[Holding],
    registration_date: datetime.date,
    execution_date: datetime.date | None = None,
    registration_number: str = "",
    assignors: Sequence[Holding] | None = None,
    pledgee_consent: bool = False,
) -> RegistryEntry:
    """Record an assignment (转让): the whole patent passes from all its current holders to the assignees.

    ``assignors`` defaults to the current right holders; when given, it must be
    exactly them, unless the registry does not know the holders yet.
    """
    _check_actor(actor)
    patent, _entries, state = _lock(patent)
    if patent.legal_status in ENDED_STATUSES:
        raise RegistryError(
            _("A patent that is %(status)s cannot be assigned.") % {"status": patent.get_legal_status_display()}
        )
    if assignors is None:
        _require_holders(state)
        from_parties = state.holders
    else:
        from_parties = _counterparties(assignors, _("assignor"))
        given = {party["organisation"] for party in from_parties}
        if state.holders and given != state.holder_ids:
            raise RegistryError(
                _("The assignors must be all the current right holders: %(names)s.")
                % {"names": "、".join(party["name"] for party in state.holders)}
            )
    if state.pledges and not pledgee_consent:
        raise RegistryError(_("This patent is pledged: release the pledge, or record the pledgee's consent, first."))
    to_parties = _owners(assignees)
    if {party["organisation"] for party in to_parties} == {party["organisation"] for party in from_parties}:
        raise RegistryError(_("The assignees are the same as the assignors."))
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.ASSIGNMENT,
        registration_date=registration_date,
        execution_date=execution_date,
        registration_number=registration_number,
        from_parties=from_parties,
        to_parties=to_parties,
        details={"pledgee_consent": True} if pledgee_consent else {},
    )


def _overlaps(entry: RegistryEntry, start: datetime.date, end: datetime.date | None) -> bool:
    entry_start = entry.term_start or entry.registration_date
    return (end is None or entry_start <= end) and (entry.term_end is None or start <= entry.term_end)


@transaction.atomic
def licence_record(
    *,
    actor,
    patent: Patent,
    licensees: Sequence[Holding],
    licence_type: str,
    registration_date: datetime.date,
    term_start: datetime.date,
    term_end: datetime.date,
    execution_date: datetime.date | None = None,
    registration_number: str = "",
    details: dict | None = None,
) -> RegistryEntry:
    """Record a licence contract (许可备案) granted by the current right holders."""
    _check_actor(actor)
    patent, entries, state = _lock(patent)
    _require_valid(patent, _("licensed"))
    _require_holders(state)
    if term_end < term_start:
        raise RegistryError(_("The licence term cannot end before it starts."))
    licences = [entry for entry in entries if entry.kind == EntryKind.LICENCE]
    clash = next(
        (e for e in licences if e.licence_type in RESTRICTIVE_LICENCES and _overlaps(e, term_start, term_end)), None
    )
    if clash:
        raise RegistryError(
            _("An %(type)s licence (registered %(date)s) covers this term; no other licence can be granted in it.")
            % {"type": clash.get_licence_type_display(), "date": clash.registration_date}
        )
    if licence_type in RESTRICTIVE_LICENCES and state.open_licence:
        raise RegistryError(_("While an open licence is declared, only ordinary licences may be granted."))
    if licence_type == LicenceType.OPEN and not state.open_licence:
        raise RegistryError(_("An open licence needs the patentee's open licence declaration in force."))
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.LICENCE,
        registration_date=registration_date,
        execution_date=execution_date,
        registration_number=registration_number,
        licence_type=licence_type,
        term_start=term_start,
        term_end=term_end,
        from_parties=state.holders,
        to_parties=_counterparties(licensees, _("licensee")),
        related_entry=state.open_licence if licence_type == LicenceType.OPEN else None,
        details=details or {},
    )


@transaction.atomic
def pledge_record(
    *,
    actor,
    patent: Patent,
    pledgees: Sequence[Holding],
    registration_date: datetime.date,
    execution_date: datetime.date | None = None,
    registration_number: str = "",
    details: dict | None = None,
) -> RegistryEntry:
    """Record a pledge (质押) of the patent by its right holders, e.g. to secure a bank loan."""
    _check_actor(actor)
    patent, _entries, state = _lock(patent)
    _require_valid(patent, _("pledged"))
    _require_holders(state)
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.PLEDGE,
        registration_date=registration_date,
        execution_date=execution_date,
        registration_number=registration_number,
        from_parties=state.holders,
        to_parties=_counterparties(pledgees, _("pledgee")),
        details=details or {},
    )


@transaction.atomic
def pledge_release(
    *, actor, pledge: RegistryEntry, registration_date: datetime.date, registration_number: str = ""
) -> RegistryEntry:
    _check_actor(actor)
    patent, _entries, state = _lock(pledge.patent)
    if pledge.pk not in {entry.pk for entry in state.pledges}:
        raise RegistryError(_("This pledge is not in force, so it cannot be released."))
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.PLEDGE_RELEASE,
        registration_date=registration_date,
        registration_number=registration_number,
        from_parties=pledge.to_parties,
        to_parties=pledge.from_parties,
        related_entry=pledge,
    )


@transaction.atomic
def open_licence_declare(
    *,
    actor,
    patent: Patent,
    registration_date: datetime.date,
    terms: dict,
    term_end: datetime.date | None = None,
    pledgee_consent: bool = False,
) -> RegistryEntry:
    """Record the patentee's open licence declaration (专利开放许可声明), refusing it where the Patent Law does.

    ``terms`` is what the declaration publishes: the fee standard and how it is
    paid, and how the fee was worked out.
    """
    _check_actor(actor)
    patent, _entries, state = _lock(patent)
    _require_valid(patent, _("offered under an open licence"))
    _require_holders(state)
    if state.open_licence:
        raise RegistryError(_("An open licence is already declared for this patent."))
    if state.restrictive_licence:
        raise RegistryError(_("An exclusive or sole licence is in force, so an open licence cannot be declared."))
    if state.pledges and not pledgee_consent:
        raise RegistryError(_("The patent is pledged: an open licence needs the pledgee's consent."))
    if patent.annual_fee_paid_until and patent.annual_fee_paid_until < registration_date:
        raise RegistryError(_("The annual fee is unpaid, so an open licence cannot be declared."))
    if patent.needs_evaluation_report and not patent.has_evaluation_report:
        raise RegistryError(_("Utility models and designs need a patent evaluation report before an open licence."))
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.OPEN_LICENCE_DECLARATION,
        registration_date=registration_date,
        term_start=registration_date,
        term_end=term_end,
        licence_type=LicenceType.OPEN,
        from_parties=state.holders,
        details={**terms, "pledgee_consent": True} if pledgee_consent else dict(terms),
    )


@transaction.atomic
def open_licence_withdraw(*, actor, patent: Patent, registration_date: datetime.date) -> RegistryEntry:
    """Withdraw the declaration; licences already obtained under it stay valid."""
    _check_actor(actor)
    patent, _entries, state = _lock(patent)
    if not state.open_licence:
        raise RegistryError(_("No open licence is declared for this patent."))
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.OPEN_LICENCE_WITHDRAWAL,
        registration_date=registration_date,
        from_parties=state.holders,
        related_entry=state.open_licence,
    )


@transaction.atomic
def holder_rename(
    *,
    actor,
    patent: Patent,
    organisation: Organisation,
    new_name: str,
    registration_date: datetime.date,
    registration_number: str = "",
) -> RegistryEntry:
    """Record that a right holder's name changed (著录项目变更); ownership and shares stay as they were."""
    _check_actor(actor)
    patent, _entries, state = _lock(patent)
    if organisation.pk not in state.holder_ids:
        raise RegistryError(_("%(name)s is not a right holder of this patent.") % {"name": organisation.name_zh})
    new_name = new_name.strip()
    if not new_name:
        raise RegistryError(_("Give the new name."))
    renamed = [
        {**party, "name": new_name} if party["organisation"] == organisation.pk else party for party in state.holders
    ]
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.NAME_CHANGE,
        registration_date=registration_date,
        registration_number=registration_number,
        from_parties=state.holders,
        to_parties=renamed,
    )
