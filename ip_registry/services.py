"""Writes to the registry. Every event goes through :func:`_append`, the only code that adds ledger entries.

Each service locks the patent row first (``select_for_update``), replays the
patent's entries to learn its current owners, licences and pledges, checks the
event against them, then locks the ledger head, appends the hash-chained entry,
counts a transfer (once per patent, kind and registration day) in its monthly
tally, records a joint application's regions from the applicants at filing and,
for ownership events, rewrites the derived right holders. Two concurrent
assignments of one patent therefore run one after the other, and the second
finds that its assignors no longer own the patent.

``actor`` is the person recording the event, or ``None`` for the system itself
(management commands such as ``import_transfers``, and other apps' services
acting on a user's behalf, which check their own permissions).

The law's refusals name their reason and article, as a person reads them. Where
the law needs someone's agreement (every co-owner of a patent for an assignment,
an exclusive or sole licence or an open licence, Patent Law art. 14; the
pledgee for an assignment or licence of a pledged patent, Civil Code art. 444),
the service takes ``consents``: the ids of the organisations that agreed. Those
that count are kept in the entry's details.

``details`` is added to the entry's details as given: the clerks' pages record
each event with its supporting document's fingerprint there
(:func:`ip_registry.documents.record_with_document`), so the chain covers it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techmarket.accounts.models import Organisation
from techmarket.audit.services import AuditRecord, audit_record, audit_record_many

from . import lifecycle, permissions, selectors
from .choices import (
    ENDED_STATUSES,
    IN_FORCE_STATUSES,
    OWNERSHIP_KINDS,
    RESTRICTIVE_LICENCES,
    STATUS_TRANSITIONS,
    EntryKind,
    LegalStatus,
    LicenceType,
    region_of,
)
from .exceptions import RegistryError
from .ledger import (
    PatentState,
    declaration_periods,
    derive_state,
    entry_hash,
    is_cross_province,
    open_licence_on,
    sets_holders,
    status_before_grace,
    terminations,
)
from .models import JointApplication, LedgerHead, Patent, RegistryEntry, RightHolder
from .tallies import joint_application_record, joint_regions, transfer_record

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
# Why a patent that is not in force cannot be assigned, licensed, pledged or offered, by its status.
NOT_IN_FORCE_REASONS = {
    LegalStatus.PENDING: gettext_lazy("it has not been granted yet (专利法第三十九条、第四十条)"),
    LegalStatus.REJECTED: gettext_lazy("its application was rejected (专利法第三十八条)"),
    LegalStatus.WITHDRAWN: gettext_lazy(
        "its application was withdrawn or is deemed withdrawn (专利法第三十二条、第三十五条)"
    ),
    LegalStatus.LAPSED: gettext_lazy("the patent right ended because the annual fee was not paid (专利法第四十四条)"),
    LegalStatus.EXPIRED: gettext_lazy("its term of protection has ended (专利法第四十二条)"),
    LegalStatus.INVALIDATED: gettext_lazy(
        "it was declared invalid in whole, and an invalidated patent right is deemed never to have existed "
        "(专利法第四十七条)"
    ),
}


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
    transfer_record(entry)
    joint_application_record(entry)
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


def _refuse_not_in_force(patent: Patent, action: str) -> None:
    raise RegistryError(
        _("This patent cannot be %(action)s: %(reason)s.")
        % {"action": action, "reason": NOT_IN_FORCE_REASONS[patent.legal_status]}
    )


def _require_in_force(patent: Patent, action: str) -> None:
    """Granted and in force: valid, in the annual-fee grace period, or standing for the claims left after a partial
    invalidation."""
    if patent.legal_status not in IN_FORCE_STATUSES:
        _refuse_not_in_force(patent, action)


def _require_not_ended(patent: Patent, action: str) -> None:
    """In force, or an application still pending (the right to a patent can be assigned, Patent Law art. 10)."""
    if patent.legal_status in ENDED_STATUSES:
        _refuse_not_in_force(patent, action)


def _require_within_term(patent: Patent, last_day: datetime.date | None) -> None:
    """A licence, or an open-licence period, ends by the last day of the patent's term."""
    term_last_day = patent.term_last_day
    if last_day is not None and term_last_day is not None and last_day > term_last_day:
        raise RegistryError(
            _("A licence cannot run past the patent's term, which ends on %(date)s (专利法第四十二条).")
            % {"date": term_last_day.isoformat()}
        )


# Consents ---------------------------------------------------------------------------------------------------------


def _names(parties: Sequence[dict]) -> str:
    return "、".join(party["name"] for party in parties)


def _consenting(consents: Sequence) -> set[int]:
    """Organisation ids; an Organisation is taken for its id."""
    return {getattr(consent, "pk", consent) for consent in consents}


def _missing_co_owners(owners: Sequence[dict], consents: set[int]) -> list[dict]:
    """Co-owners who have not consented; a sole owner's consent is the act itself."""
    if len(owners) < 2:
        return []
    return [party for party in owners if party["organisation"] not in consents]


def _missing_pledgees(state: PatentState, consents: set[int]) -> list[dict]:
    missing: dict[int, dict] = {}
    for pledge in state.pledges:
        for party in pledge.to_parties:
            if party["organisation"] not in consents:
                missing.setdefault(party["organisation"], party)
    return list(missing.values())


def _require_consents(owners: Sequence[dict], state: PatentState, consents: set[int], *, co_owners, pledgees) -> None:
    """Refuse the act, naming who has not consented: a co-owner (``co_owners`` says why), then a pledgee."""
    for missing, message in (
        (_missing_co_owners(owners, consents), co_owners),
        (_missing_pledgees(state, consents), pledgees),
    ):
        if missing:
            raise RegistryError(message % {"names": _names(missing)})


def _recorded_consents(consents: set[int], state: PatentState, owners: Sequence[dict]) -> dict:
    """The consents that count (from co-owners and pledgees), for the entry's details."""
    parties = {party["organisation"] for party in owners}
    parties |= {party["organisation"] for pledge in state.pledges for party in pledge.to_parties}
    counted = sorted(consents & parties)
    return {"consents": counted} if counted else {}


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
        patent.save(update_fields=[*changed, "updated_at"])
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
    return {
        name: [str(value), str(getattr(patent, name))]
        for name, value in before.items()
        if value != getattr(patent, name)
    }


def _append_filings(
    actor, created: list[Patent], completed: list[Patent], owners: dict[str, list[dict]], holders_before: dict
) -> list[RegistryEntry]:
    """The application entries, and a new granted patent's grant entry, chained after the head in one go.

    Neither kind is a transfer, so no tally counts them; each application entry is the patent's first (the others
    were refused), so its applicants are those at filing, and a joint application is counted from them.
    """
    head, _created = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    after = (head.sequence, head.hash)
    entries: list[RegistryEntry] = []
    holder_rows: list[RightHolder] = []
    joint_rows: list[JointApplication] = []
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
        joint_rows.extend(
            JointApplication(patent=patent, region=region, filing_date=patent.filing_date)
            for region in sorted(joint_regions(patent.patent_type, applicants))
        )
    RegistryEntry.objects.bulk_create(entries, batch_size=_BATCH)
    JointApplication.objects.bulk_create(joint_rows, batch_size=_BATCH)
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
    consents: Sequence[int] = (),
    details: dict | None = None,
) -> RegistryEntry:
    """Record an assignment (转让): the whole patent passes from all its current holders to the assignees.

    ``assignors`` defaults to the current right holders; when given, it must be
    exactly them, unless the registry does not know the holders yet. A pending
    application's right can be assigned; a patent that is not in force cannot.
    A co-owned patent needs every co-owner's consent, a pledged one the pledgee's.
    """
    _check_actor(actor)
    patent, _entries, state = _lock(patent)
    _require_not_ended(patent, _("assigned"))
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
    consenting = _consenting(consents)
    _require_consents(
        from_parties,
        state,
        consenting,
        co_owners=_(
            "A co-owned patent can be assigned only with every co-owner's consent (专利法第十四条); "
            "the consent of %(names)s is missing."
        ),
        pledgees=_(
            "The patent is pledged to %(names)s: it cannot be assigned without the pledgee's consent "
            "(民法典第四百四十四条)."
        ),
    )
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
        details={**_recorded_consents(consenting, state, from_parties), **(details or {})},
    )


def _overlaps(
    entry: RegistryEntry, start: datetime.date, end: datetime.date | None, ended: datetime.date | None = None
) -> bool:
    """The licence entry's term meets ``start``-``end``; a licence terminated is in force up to the day before."""
    entry_start = entry.term_start or entry.registration_date
    entry_end = entry.term_end
    if ended is not None:
        entry_end = min(entry_end, ended - datetime.timedelta(days=1)) if entry_end else ended
    return (end is None or entry_start <= end) and (entry_end is None or start <= entry_end)


def _require_no_clash(
    entries: Sequence[RegistryEntry], licence_type: str, term_start: datetime.date, term_end: datetime.date
) -> None:
    """Exclusive and sole licences shut out other licences in their term; an exclusive licence needs a term no
    other licence is in force in; neither can be granted while an open licence is declared."""
    ended = terminations(entries)
    licences = [
        entry
        for entry in entries
        if entry.kind == EntryKind.LICENCE and _overlaps(entry, term_start, term_end, ended.get(entry.pk))
    ]
    restrictive = next((entry for entry in licences if entry.licence_type in RESTRICTIVE_LICENCES), None)
    if restrictive is not None:
        values = {"names": _names(restrictive.to_parties), "date": restrictive.registration_date.isoformat()}
        if restrictive.licence_type == LicenceType.EXCLUSIVE:
            raise RegistryError(
                _(
                    "An exclusive licence to %(names)s (registered %(date)s) covers this term: only its licensee "
                    "may work the patent, so no other licence can be granted in it (技术合同纠纷司法解释第二十五条)."
                )
                % values
            )
        raise RegistryError(
            _(
                "A sole licence to %(names)s (registered %(date)s) covers this term: the patentee may license no "
                "one else in it (技术合同纠纷司法解释第二十五条)."
            )
            % values
        )
    if licence_type == LicenceType.EXCLUSIVE and licences:
        raise RegistryError(
            _(
                "An exclusive licence cannot be granted while another licence is in force in its term: %(names)s "
                "holds one registered %(date)s (技术合同纠纷司法解释第二十五条)."
            )
            % {"names": _names(licences[0].to_parties), "date": licences[0].registration_date.isoformat()}
        )
    if licence_type in RESTRICTIVE_LICENCES and any(
        period.overlaps(term_start, term_end) for period in declaration_periods(entries)
    ):
        raise RegistryError(
            _("An exclusive or sole licence cannot be granted while an open licence is declared (专利法第五十一条).")
        )


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
    effective_date: datetime.date | None = None,
    registration_number: str = "",
    details: dict | None = None,
    consents: Sequence[int] = (),
) -> RegistryEntry:
    """Record a licence contract (许可备案) granted by the current right holders.

    One co-owner alone may grant only an ordinary licence: an exclusive or sole one needs every co-owner's consent.
    An open licence is one obtained while the patentee's declaration was in force (on its execution date, else the
    first day of its term): it is recorded under that declaration even after a later withdrawal, and the pledgees
    who consented to the declaration consented to it.

    ``effective_date`` is the day the contract took effect; the entry carries it (and the chain covers it), so a
    recordal more than three months later shows as late (:func:`ledger.recorded_late`).
    """
    _check_actor(actor)
    patent, entries, state = _lock(patent)
    _require_in_force(patent, _("licensed"))
    _require_holders(state)
    if term_end < term_start:
        raise RegistryError(_("The licence term cannot end before it starts."))
    _require_within_term(patent, term_end)
    declaration = None
    if licence_type == LicenceType.OPEN:
        obtained_on = execution_date or term_start
        declaration = open_licence_on(entries, obtained_on)
        if declaration is None:
            raise RegistryError(
                _(
                    "An open licence is obtained while the patentee's open licence declaration is in force; none "
                    "was on %(date)s (专利法第五十条)."
                )
                % {"date": obtained_on.isoformat()}
            )
    consenting = _consenting(consents)
    if licence_type in RESTRICTIVE_LICENCES:
        missing = _missing_co_owners(state.holders, consenting)
        if missing:
            raise RegistryError(
                _(
                    "One co-owner alone may grant only ordinary licences: an exclusive or sole licence needs every "
                    "co-owner's consent (专利法第十四条), and the consent of %(names)s is missing."
                )
                % {"names": _names(missing)}
            )
    declared_consents = set(declaration.details.get("consents", ())) if declaration else set()
    missing = _missing_pledgees(state, consenting | declared_consents)
    if missing:
        raise RegistryError(
            _(
                "The patent is pledged to %(names)s: it cannot be licensed without the pledgee's consent "
                "(民法典第四百四十四条)."
            )
            % {"names": _names(missing)}
        )
    _require_no_clash(entries, licence_type, term_start, term_end)
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
        effective_date=effective_date,
        from_parties=state.holders,
        to_parties=_counterparties(licensees, _("licensee")),
        related_entry=declaration,
        details={**(details or {}), **_recorded_consents(consenting, state, state.holders)},
    )


@transaction.atomic
def licence_terminate(
    *, actor, licence: RegistryEntry, registration_date: datetime.date, reason: str, details: dict | None = None
) -> RegistryEntry:
    """Record that a recorded licence ended before its term (its fee refunded, the payment reversed): the licensee
    may no longer work the patent under it from ``registration_date``. Once only: a licence terminated already is
    refused."""
    _check_actor(actor)
    if licence.kind != EntryKind.LICENCE:
        raise RegistryError(_("Only a recorded licence can be terminated."))
    patent, entries, _state = _lock(licence.patent)
    if licence.pk in terminations(entries):
        raise RegistryError(_("This licence was terminated already."))
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.LICENCE_TERMINATION,
        registration_date=registration_date,
        licence_type=licence.licence_type,
        from_parties=licence.to_parties,
        to_parties=licence.from_parties,
        related_entry=licence,
        details={**(details or {}), "reason": reason[:300]},
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
    _require_in_force(patent, _("pledged"))
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
    *,
    actor,
    pledge: RegistryEntry,
    registration_date: datetime.date,
    registration_number: str = "",
    details: dict | None = None,
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
        details=details or {},
    )


def _require_declared_terms(terms: dict, term_end: datetime.date | None) -> None:
    """What a declaration must state (Implementing Regulations art. 85): the fee standard and how it is paid (a free
    licence, ``fee_type`` "free", is its own standard and needs no payment), and the licence period."""
    free = terms.get("fee_type") == "free"
    if not free and not str(terms.get("fee") or "").strip():
        raise RegistryError(
            _("An open licence declaration states the licence fee standard (专利法实施细则第八十五条).")
        )
    if not free and not str(terms.get("payment") or "").strip():
        raise RegistryError(
            _("An open licence declaration states how the licence fee is paid (专利法实施细则第八十五条).")
        )
    if term_end is None:
        raise RegistryError(_("An open licence declaration states the licence period (专利法实施细则第八十五条)."))


def _require_fees_paid(patent: Patent, on: datetime.date) -> None:
    paid_until = patent.annual_fee_paid_until
    if paid_until is None:
        raise RegistryError(
            _(
                "An open licence needs the annual fees paid, and the registry does not know that they are: record "
                "the date they are paid until first (专利法实施细则第八十六条)."
            )
        )
    if paid_until < on or patent.legal_status == LegalStatus.GRACE_PERIOD:
        raise RegistryError(
            _(
                "The annual fee due on %(date)s is unpaid, so an open licence cannot be declared "
                "(专利法实施细则第八十六条)."
            )
            % {"date": paid_until.isoformat()}
        )


def _open_licence_refusal(
    *,
    patent: Patent,
    entries: Sequence[RegistryEntry],
    state: PatentState,
    registration_date: datetime.date,
    terms: dict,
    term_end: datetime.date | None,
    consenting: set[int] | None,
) -> None:
    """Raise the registry's refusal of an open licence declaration, if any; ``consenting`` None leaves out the
    consents (a declaration that will collect them before it is recorded)."""
    _require_in_force(patent, _("offered under an open licence"))
    _require_holders(state)
    _require_declared_terms(terms, term_end)
    if term_end < registration_date:
        raise RegistryError(_("The licence period cannot end before the declaration."))
    _require_within_term(patent, term_end)
    if state.open_licence:
        raise RegistryError(_("An open licence is already declared for this patent."))
    ended = terminations(entries)
    restrictive = next(
        (
            entry
            for entry in entries
            if entry.kind == EntryKind.LICENCE
            and entry.licence_type in RESTRICTIVE_LICENCES
            and _overlaps(entry, registration_date, term_end, ended.get(entry.pk))
        ),
        None,
    )
    if restrictive is not None:
        raise RegistryError(
            _(
                "An open licence cannot be declared while an exclusive or sole licence is in force (registered "
                "%(date)s, to %(names)s) (专利法实施细则第八十六条)."
            )
            % {"date": restrictive.registration_date.isoformat(), "names": _names(restrictive.to_parties)}
        )
    if consenting is not None:
        _require_consents(
            state.holders,
            state,
            consenting,
            co_owners=_(
                "An open licence of a co-owned patent needs every co-owner's consent (专利法第十四条); the consent "
                "of %(names)s is missing."
            ),
            pledgees=_(
                "The patent is pledged to %(names)s: an open licence cannot be declared without the pledgee's "
                "consent (民法典第四百四十四条; 专利法实施细则第八十六条)."
            ),
        )
    _require_fees_paid(patent, registration_date)
    if patent.needs_evaluation_report and not patent.has_evaluation_report:
        raise RegistryError(
            _(
                "A utility model or design can be offered under an open licence only with a patent evaluation "
                "report (专利法第五十条)."
            )
        )


def open_licence_check(
    *,
    patent: Patent,
    registration_date: datetime.date,
    terms: dict,
    term_end: datetime.date | None = None,
    consents: Sequence[int] | None = None,
) -> None:
    """Raise the :class:`RegistryError` :func:`open_licence_declare` would raise now, without writing anything.

    For a declaration still to collect the co-owners' and pledgees' consents, leave ``consents`` out (None): the
    consents are then not checked. Reads without a lock: the declaration itself checks again under one.
    """
    patent = Patent.objects.get(pk=patent.pk)
    entries = list(patent.entries.order_by("sequence"))
    _open_licence_refusal(
        patent=patent,
        entries=entries,
        state=derive_state(entries, registration_date),
        registration_date=registration_date,
        terms=terms,
        term_end=term_end,
        consenting=None if consents is None else _consenting(consents),
    )


@transaction.atomic
def open_licence_declare(
    *,
    actor,
    patent: Patent,
    registration_date: datetime.date,
    terms: dict,
    term_end: datetime.date | None = None,
    consents: Sequence[int] = (),
) -> RegistryEntry:
    """Record the patentee's open licence declaration (专利开放许可声明), refusing it where the law does.

    ``terms`` is what the declaration publishes: the fee standard (``fee``, or ``fee_type`` "free") and how it is
    paid (``payment``), and how the fee was worked out (``basis``). ``term_end`` is the last day of the licence
    period it declares, at the latest the last day of the patent's term. The refusals are those of
    :func:`open_licence_check`.
    """
    _check_actor(actor)
    patent, entries, state = _lock(patent)
    consenting = _consenting(consents)
    _open_licence_refusal(
        patent=patent,
        entries=entries,
        state=state,
        registration_date=registration_date,
        terms=terms,
        term_end=term_end,
        consenting=consenting,
    )
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.OPEN_LICENCE_DECLARATION,
        registration_date=registration_date,
        term_start=registration_date,
        term_end=term_end,
        licence_type=LicenceType.OPEN,
        from_parties=state.holders,
        details={**terms, **_recorded_consents(consenting, state, state.holders)},
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


# Legal status -----------------------------------------------------------------------------------------------------


@transaction.atomic
def legal_status_change(
    *,
    actor,
    patent: Patent,
    status: str,
    registration_date: datetime.date,
    reason: str = "",
    details: dict | None = None,
) -> RegistryEntry:
    """Record a change of the patent's legal status as CNIPA states it (法律状态变更), e.g. its rejection, a
    partial invalidation or the end of its term, along ``STATUS_TRANSITIONS``.

    ``reason`` says why in words (a decision, an announcement); ``details`` may add, for example, the number of the
    decision. The entry records the statuses before and after.
    """
    _check_actor(actor)
    patent = Patent.objects.select_for_update().get(pk=patent.pk)
    before = patent.legal_status
    if status not in LegalStatus.values:
        raise ValueError(f"not a legal status: {status}")
    if status == before:
        raise RegistryError(_("The patent is already %(status)s.") % {"status": patent.get_legal_status_display()})
    if status not in STATUS_TRANSITIONS[before]:
        if before == LegalStatus.PENDING and status in IN_FORCE_STATUSES:
            raise RegistryError(_("A pending application becomes a patent in force by its grant: record the grant."))
        raise RegistryError(
            _("A patent that is %(before)s cannot become %(after)s.")
            % {"before": patent.get_legal_status_display(), "after": LegalStatus(status).label}
        )
    last_day = patent.term_last_day
    if status == LegalStatus.EXPIRED and last_day is not None and registration_date <= last_day:
        raise RegistryError(
            _("The patent's term runs until %(date)s, so it has not expired (专利法第四十二条).")
            % {"date": last_day.isoformat()}
        )
    patent.legal_status = status
    patent.save(update_fields=["legal_status", "updated_at"])
    return _append(
        actor=actor,
        patent=patent,
        kind=EntryKind.LEGAL_STATUS,
        registration_date=registration_date,
        details={**(details or {}), "from": before, "to": status, "reason": reason.strip()},
    )


# What the daily update records as the reason, in the platform's language, by the rule that applied.
STATUS_RULE_REASONS = {
    "term_ended": gettext_lazy("The term of protection ended on %(date)s (专利法第四十二条)."),
    "fee_overdue": gettext_lazy(
        "The annual fee due on %(date)s is unpaid: it may still be paid with a surcharge within six months "
        "(专利法第四十三条)."
    ),
    "grace_ended": gettext_lazy(
        "The annual fee due on %(date)s was not paid within six months: the patent right ended from that day "
        "(专利法第四十四条)."
    ),
    "fee_paid": gettext_lazy("The annual fee is paid until %(date)s."),
}


def status_rule_reason(rule: str, day: datetime.date) -> str:
    """The reason recorded for a change the term or the annual fee makes, in the platform's language (the ledger
    keeps one language, whoever runs the update)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(STATUS_RULE_REASONS[rule] % {"date": day.isoformat()})


@dataclass
class StatusUpdate:
    """What one run of the daily legal-status update did."""

    on: datetime.date
    checked: int = 0
    changes: list[RegistryEntry] = field(default_factory=list)
    refused: list[tuple[Patent, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Changes per new status."""
        counts: dict[str, int] = {}
        for entry in self.changes:
            counts[entry.details["to"]] = counts.get(entry.details["to"], 0) + 1
        return counts


@transaction.atomic
def _status_update(patent: Patent, on: datetime.date) -> RegistryEntry | None:
    patent, entries, _state = _lock(patent)
    due = lifecycle.status_due(
        status=patent.legal_status,
        patent_type=patent.patent_type,
        filing_date=patent.filing_date,
        fee_paid_until=patent.annual_fee_paid_until,
        on=on,
        restored=status_before_grace(entries),
    )
    if due is None:
        return None
    return legal_status_change(
        actor=None,
        patent=patent,
        status=due.status,
        registration_date=due.effective,
        reason=status_rule_reason(due.rule, due.on),
        details={"rule": due.rule, "checked_on": on.isoformat()},
    )


def legal_statuses_update(*, on: datetime.date) -> StatusUpdate:
    """The daily update: end the patents whose term is over, put those whose annual fee is overdue into the grace
    period, end those whose grace period is over, and return to force those whose fee was paid in it.

    Each patent changes in its own transaction through :func:`legal_status_change`, so one refusal (a patent a
    person changed meanwhile) is reported and the others go on. Running it twice on a day changes nothing more.
    """
    result = StatusUpdate(on=on)
    for patent in selectors.patents_for_status_update(on).iterator(chunk_size=500):
        result.checked += 1
        try:
            entry = _status_update(patent, on)
        except RegistryError as error:
            result.refused.append((patent, str(error)))
            continue
        if entry is not None:
            result.changes.append(entry)
    return result
