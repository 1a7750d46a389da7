"""The demo registry: the full plan's shape (checked in Python, no database), and a shortened plan seeded for real.

Seeding all 300 patents takes longer than a test should, so the database tests
seed the first patents of the same plan; the plan tests check what the full
seed would write, and the database tests check that what is written is
exactly what was planned.
"""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from demo import registry, registry_plan
from demo.accounts import ENTERPRISES, SUPPLIERS
from demo.management.commands import seed_demo
from ip_registry.choices import TRANSFER_KINDS, EntryKind, LegalStatus, PatentType
from ip_registry.ledger import is_cross_province
from ip_registry.models import Patent, RegistryEntry, RightHolder
from ip_registry.numbers import parse_application_number
from ip_registry.selectors import FlowFilter, flow_matrix, ledger_verify
from ip_registry.validators import validate_ipc
from techmarket.accounts.models import Organisation
from techmarket.audit.models import AuditEvent
from tests.demo_seed import seed, seeded_demo

PLAN = registry_plan.plan_patents()
SMALL = 40
YEARS = range(2019, 2026)


def _party(key: str) -> dict:
    return {"province": registry_plan.ORGANISATIONS_BY_KEY[key].province}


def _transfers(plan) -> list[tuple[datetime.date, bool]]:
    """(registration date, cross-province) of each planned assignment and licence, by the registry's rule."""
    transfers = []
    for patent in plan:
        holders = [key for key, _share in patent.holders]
        for event in patent.events:
            if event.kind in TRANSFER_KINDS:
                cross = is_cross_province([_party(k) for k in holders], [_party(k) for k, _ in event.parties])
                transfers.append((event.registration_date, cross))
            if event.kind == EntryKind.ASSIGNMENT:
                holders = [key for key, _share in event.parties]
    return transfers


# The full plan, without a database ------------------------------------------------------------------------------


def test_plan_is_the_same_every_time_and_a_short_plan_is_its_start():
    assert registry_plan.plan_patents() == PLAN
    assert registry_plan.plan_patents(SMALL) == PLAN[:SMALL]


def test_plan_has_300_patents_and_about_1000_ledger_entries():
    assert len(PLAN) == 300
    assert 950 <= sum(patent.entry_count for patent in PLAN) <= 1100
    assert len({patent.application_number for patent in PLAN}) == 300


def test_every_application_number_parses_and_matches_its_type_and_filing_year():
    types = Counter()
    for patent in PLAN:
        number = parse_application_number(patent.application_number)
        assert number.canonical == patent.application_number
        assert number.filing_year == patent.filing_date.year
        assert 2012 <= number.filing_year <= 2024
        types[number.patent_type] += 1
    inventions = types[PatentType.INVENTION] + types[PatentType.PCT_INVENTION]
    utility_models = types[PatentType.UTILITY_MODEL] + types[PatentType.PCT_UTILITY_MODEL]
    assert 0.45 <= inventions / 300 <= 0.65
    assert 0.25 <= utility_models / 300 <= 0.45
    assert 0.05 <= types[PatentType.DESIGN] / 300 <= 0.15
    assert types[PatentType.PCT_INVENTION] > 0


def test_patents_are_described_like_real_ones():
    supplier_keys = {org.key for org in SUPPLIERS}
    for patent in PLAN:
        assert patent.holders[0][0] in supplier_keys  # a demo university or institute first
        if len(patent.holders) > 1:
            assert sum(share for _key, share in patent.holders) == 100
        assert patent.title and patent.abstract and patent.inventors
        if patent.patent_type == PatentType.DESIGN:
            assert patent.ipc_codes == ()  # designs are classified by Locarno, not IPC
        else:
            assert patent.ipc_codes
            for code in patent.ipc_codes:
                validate_ipc(code)
        if patent.has_evaluation_report:
            assert patent.patent_type in (PatentType.UTILITY_MODEL, PatentType.PCT_UTILITY_MODEL, PatentType.DESIGN)
    statuses = Counter(patent.legal_status for patent in PLAN)
    assert statuses[LegalStatus.VALID] > 0.6 * 300
    assert statuses[LegalStatus.LAPSED] and statuses[LegalStatus.EXPIRED] and statuses[LegalStatus.PENDING]
    assert any(len({_party(k)["province"] for k, _ in patent.holders}) > 1 for patent in PLAN)


def test_each_story_runs_in_date_order_from_2019_to_2025():
    for patent in PLAN:
        previous = patent.grant_date or patent.filing_date
        for event in patent.events:
            assert datetime.date(2019, 1, 1) <= event.registration_date <= datetime.date(2025, 12, 31)
            assert event.registration_date > previous, patent.application_number
            if event.execution_date:
                assert previous <= event.execution_date <= event.registration_date, patent.application_number
            if event.term_end:
                assert event.term_end >= (event.term_start or event.registration_date)
            previous = event.registration_date
    kinds = Counter(event.kind for patent in PLAN for event in patent.events)
    assert set(kinds) == {
        EntryKind.ASSIGNMENT,
        EntryKind.LICENCE,
        EntryKind.PLEDGE,
        EntryKind.PLEDGE_RELEASE,
        EntryKind.OPEN_LICENCE_DECLARATION,
        EntryKind.NAME_CHANGE,
    }


def test_transfers_rise_every_year_and_about_a_third_cross_a_provincial_border():
    transfers = _transfers(PLAN)
    per_year = Counter(day.year for day, _cross in transfers)
    assert set(per_year) == set(YEARS)
    counts = [per_year[year] for year in YEARS]
    assert counts == sorted(counts) and len(set(counts)) == len(counts), counts
    cross = sum(crossed for _day, crossed in transfers)
    assert 0.25 <= cross / len(transfers) <= 0.45
    buyers = {key for patent in PLAN for event in patent.events for key, _ in event.parties}
    assert buyers & {org.key for org in ENTERPRISES}


# A shortened plan in the database --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_registry(django_db_setup, django_db_blocker):
    """The accounts and the first patents of the registry plan, seeded once for the module.

    The market's demo listings build on the full registry plan; they have their own test.
    """
    with seeded_demo(django_db_blocker, registry=registry.steps(patent_count=SMALL), listings=(), market=()) as world:
        yield world


def _counts() -> dict[str, int]:
    return {
        "patents": Patent.objects.count(),
        "entries": RegistryEntry.objects.count(),
        "holders": RightHolder.objects.count(),
        "organisations": Organisation.objects.count(),
        "audit events": AuditEvent.objects.count(),
    }


@pytest.mark.django_db
def test_seed_writes_the_plan_through_the_services_and_a_second_run_adds_nothing(small_registry):
    assert any(step is registry.STEPS[-1] for step in seed_demo.demo_steps())
    output = small_registry.output
    small_plan = PLAN[:SMALL]
    assert f"patents and their registry history {SMALL}/{SMALL} ({SMALL} new, 0 already there)" in output

    assert Patent.objects.count() == SMALL
    assert RegistryEntry.objects.count() == sum(patent.entry_count for patent in small_plan)
    for planned in small_plan:
        patent = Patent.objects.get(application_number=planned.application_number)
        assert patent.legal_status == planned.legal_status
        assert patent.entries.count() == planned.entry_count
    *_progress, status = ledger_verify()
    assert status.intact and status.checked == RegistryEntry.objects.count()
    call_command("verify_registry", stdout=StringIO())  # raises CommandError if the chain is broken

    # The dashboard counts exactly the transfers the plan holds, with the same cross-province ones.
    transfers = _transfers(small_plan)
    matrix = flow_matrix(FlowFilter())
    assert matrix.total == len(transfers)
    assert matrix.cross_province == sum(crossed for _day, crossed in transfers)
    assert Organisation.objects.filter(name_zh="长三角科创银行股份有限公司（示范）").exists()

    before = _counts()
    output = seed()
    assert _counts() == before
    assert f"patents and their registry history {SMALL}/{SMALL} (0 new, {SMALL} already there)" in output
