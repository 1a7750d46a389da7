"""A visitor opens the registry dashboard, sees the flow diagram and the trend, and finds a patent by its number."""

import datetime

import pytest
from playwright.sync_api import expect

from ip_registry import services
from ip_registry.choices import LegalStatus, LicenceType
from ip_registry.models import Target
from tests.factories import make_patent, organisation_in

pytestmark = pytest.mark.e2e
D = datetime.date
SH, JS, ZJ, AH, BJ = "310000", "320000", "330000", "340000", "110000"
NUMBER = "202311432805.9"


@pytest.fixture
def ledger(transactional_db):
    """A few years of transfers between the four provinces (and one to Beijing), and one patent with a history."""
    universities = {
        SH: organisation_in(SH, name_zh="复旦大学", kind="university"),
        JS: organisation_in(JS, name_zh="南京大学", kind="university"),
        ZJ: organisation_in(ZJ, name_zh="浙江大学", kind="university"),
        AH: organisation_in(AH, name_zh="中国科学技术大学", kind="university"),
    }
    firms = {code: organisation_in(code) for code in (SH, JS, ZJ, AH, BJ)}
    routes = [(SH, JS), (SH, ZJ), (JS, SH), (ZJ, AH), (AH, SH), (SH, BJ), (JS, JS), (ZJ, SH), (AH, JS), (SH, AH)]
    for i, (source, target) in enumerate(routes * 2):
        patent = make_patent(universities[source], year=2019)
        services.patent_assign(
            actor=None,
            patent=patent,
            assignees=[services.Holding(firms[target])],
            registration_date=D(2020 + i % 5, 1 + i % 12, 10),
        )
    patent = services.patent_register(
        actor=None,
        application_number=NUMBER,
        title="一种锂离子电池正极材料的制备方法",
        filing_date=D(2023, 8, 1),
        grant_date=D(2024, 6, 1),
        legal_status=LegalStatus.VALID,
        ipc_codes=["H01M 10/0525"],
        inventors=["李明", "王芳"],
        holders=[services.Holding(universities[SH])],
    )
    services.patent_assign(
        actor=None,
        patent=patent,
        assignees=[services.Holding(firms[JS])],
        registration_date=D(2024, 9, 2),
        execution_date=D(2024, 8, 20),
        registration_number="2024990001234",
    )
    services.licence_record(
        actor=None,
        patent=patent,
        licensees=[services.Holding(firms[ZJ])],
        licence_type=LicenceType.ORDINARY,
        registration_date=D(2024, 10, 8),
        term_start=D(2024, 10, 8),
        term_end=D(2029, 10, 7),
    )
    return patent


def canvas_size(page, container: str) -> dict:
    return page.evaluate(
        """(selector) => {
            const canvas = document.querySelector(selector + " canvas");
            return canvas ? {width: canvas.width, height: canvas.height} : {width: 0, height: 0};
        }""",
        container,
    )


def test_visitor_sees_the_flows_and_finds_a_patent_by_number(live_server, page, screenshot, ledger):
    js_errors = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))

    page.goto(f"{live_server.url}/registry/")
    expect(page.locator("#flow-figure")).to_be_visible()
    expect(page.locator("#flow-chart canvas")).to_have_count(1)
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    for chart in ("#flow-chart", "#trend-chart"):
        size = canvas_size(page, chart)
        assert size["width"] > 200 and size["height"] > 200, (chart, size)
    expect(page.locator("[data-test=total]")).to_have_text("22")
    expect(page.locator("#table-flows tbody tr")).to_have_count(5)
    expect(page.locator("progress")).to_have_count(Target.objects.count())
    page.wait_for_timeout(1200)  # let the charts' entry animation finish before the picture
    screenshot("registry-dashboard")

    # Filters narrow the figures; the charts are drawn again for them.
    page.select_option("#id_kind", "licence")
    page.click("#flow-filters button[type=submit]")
    expect(page.locator("[data-test=total]")).to_have_text("1")
    expect(page.locator("#flow-chart canvas")).to_have_count(1)

    # The number as people type it: with a CN prefix and spaces.
    page.fill("#number-search input[name=number]", "CN 2023 1143 2805.9")
    page.click("#number-search button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/registry/patents/{NUMBER}/")
    expect(page.locator("h1")).to_have_text("一种锂离子电池正极材料的制备方法")
    expect(page.locator("#right-holders tbody tr")).to_have_count(1)
    expect(page.locator("#ledger-history tbody tr")).to_have_count(4)  # application, grant, assignment, licence
    expect(page.locator("[data-test=chain-status]")).to_have_class("message message-success")
    screenshot("registry-patent")

    # A wrong check character is refused with the expected one named.
    page.fill("#number-search input[name=number]", "202311432805.8")
    page.click("#number-search button[type=submit]")
    expect(page.locator("#number-search .errorlist")).to_be_visible()
    screenshot("registry-search-error")
    assert js_errors == []


def test_the_dashboard_works_without_javascript(live_server, browser, ledger):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/en/registry/")
        expect(page.locator("#flow-figure")).to_be_hidden()
        expect(page.locator("#table-flows")).to_be_visible()
        expect(page.locator("#table-regions")).to_be_visible()
    finally:
        context.close()
