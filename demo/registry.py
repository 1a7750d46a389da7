"""Demo registry for ``manage.py seed_demo``: about 300 patents of the demo universities and institutes, with histories.

One item is one patent with its whole story: its application, its grant, then
assignments to the demo firms, licence recordals (exclusive, sole, ordinary,
open), pledges to banks and their release, open-licence declarations and
right-holder renames. Open-licence declarations and the open licences taken
under them go through the licensing services (:mod:`demo.licensing`): a
``Declaration`` with its co-owners' and pledgees' consents, an ``OpenLicence``
with its notice and, when it is paid, its payment confirmed by finance staff
on the planned day. The story is planned (:mod:`demo.registry_plan`), in
date order, before anything is written, so that each service call is legal
when it is made; the services then write every ledger entry (``actor=None``:
the system).

The plan comes from ``random.Random(2026)``, so every run plans the same
patents with the same application numbers and the same events; an item whose
application number is already registered is skipped, so a rerun adds nothing.
Patents are planned one after the other from the same generator, so a smaller
plan (``steps(patent_count=40)``, for tests) is the start of the full one.

The numbers are shaped like real ones and their check characters are right,
but they are not real patents; titles, inventors and registration numbers are
made up in the style of CNIPA's records.
"""

from __future__ import annotations

from collections.abc import Sequence

from ip_registry.choices import EntryKind, LicenceType
from ip_registry.models import Patent
from ip_registry.services import (
    Holding,
    holder_rename,
    legal_status_change,
    licence_record,
    patent_assign,
    patent_grant,
    patent_register,
    pledge_record,
    pledge_release,
    status_rule_reason,
)
from techmarket.accounts.models import Organisation

from . import licensing
from .accounts import PLEDGEES, seed_organisation
from .registry_plan import ORGANISATIONS_BY_KEY, PATENT_COUNT, DemoPatent, Party, plan_patents
from .steps import DemoStep


def seed_patent(plan: DemoPatent) -> bool:
    """Register the patent and play its story through the services; skip it if its number is already registered."""
    if Patent.objects.filter(application_number=plan.application_number).exists():
        return False
    codes = {key: ORGANISATIONS_BY_KEY[key].credit_code for key in plan.organisation_keys()}
    by_code = {org.credit_code: org for org in Organisation.objects.filter(credit_code__in=codes.values())}

    def holdings(parties: Sequence[Party]) -> list[Holding]:
        return [Holding(by_code[codes[key]], share) for key, share in parties]

    patent = patent_register(
        actor=None,
        application_number=plan.application_number,
        holders=holdings(plan.holders),
        title=plan.title,
        filing_date=plan.filing_date,
        abstract=plan.abstract,
        ipc_codes=list(plan.ipc_codes),
        inventors=list(plan.inventors),
        has_evaluation_report=plan.has_evaluation_report,
    )
    if plan.grant_date:
        patent_grant(
            actor=None, patent=patent, grant_date=plan.grant_date, annual_fee_paid_until=plan.annual_fee_paid_until
        )
    pledge = declaration = None
    for event in plan.events:
        common = {"actor": None, "registration_date": event.registration_date}
        # Every co-owner agrees to what the story does with a jointly held patent (Patent Law art. 14).
        consents = list(patent.right_holders.values_list("organisation_id", flat=True))
        if event.kind == EntryKind.ASSIGNMENT:
            patent_assign(
                patent=patent,
                assignees=holdings(event.parties),
                execution_date=event.execution_date,
                consents=consents,
                **common,
            )
        elif event.kind == EntryKind.LICENCE and event.licence_type == LicenceType.OPEN:
            (licensee,) = holdings(event.parties)
            licensing.obtain(declaration, licensee.organisation, event.registration_date)
        elif event.kind == EntryKind.LICENCE:  # exclusive, sole or ordinary: a contract recorded by the registry
            licence_record(
                patent=patent,
                licensees=holdings(event.parties),
                licence_type=event.licence_type,
                term_start=event.term_start,
                term_end=event.term_end,
                execution_date=event.execution_date,
                registration_number=event.registration_number,
                consents=consents,
                **common,
            )
        elif event.kind == EntryKind.PLEDGE:
            pledge = pledge_record(
                patent=patent,
                pledgees=holdings(event.parties),
                execution_date=event.execution_date,
                registration_number=event.registration_number,
                details=event.details,
                **common,
            )
        elif event.kind == EntryKind.PLEDGE_RELEASE:
            pledge_release(pledge=pledge, **common)
        elif event.kind == EntryKind.OPEN_LICENCE_DECLARATION:
            declaration = licensing.declare(patent, event)
        elif event.kind == EntryKind.NAME_CHANGE:
            (renamed,) = holdings(event.parties)
            holder_rename(patent=patent, organisation=renamed.organisation, new_name=event.new_name, **common)
        else:
            raise ValueError(f"no demo step for {event.kind}")
    if plan.ended_on:
        rule, day = plan.end_rule
        legal_status_change(
            actor=None,
            patent=patent,
            status=plan.legal_status,
            registration_date=plan.ended_on,
            reason=status_rule_reason(rule, day),
            details={"rule": rule},
        )
    return True


def steps(patent_count: int = PATENT_COUNT) -> tuple[DemoStep, ...]:
    return (
        DemoStep("banks and guarantors", PLEDGEES, seed_organisation),
        DemoStep("patents and their registry history", plan_patents(patent_count), seed_patent),
    )


STEPS: tuple[DemoStep, ...] = steps()
