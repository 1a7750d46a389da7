"""Issue 16's acceptance journeys, in Chinese pages.

1. An Anhui firm finds a Shanghai university's patent with an open licence through search, obtains it on the published
   terms, pays by bank transfer; finance staff confirm the transfer; the licence is in force, on the registry, and the
   dashboard's Shanghai -> Anhui figure for licences grows by one.
2. A free open licence is in force in one click after the notice's confirmation, its notice downloadable as a PDF.

The data is written through the services in real transactions (the live server needs them), so the search index is
kept up by the same after-commit task as on the site.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import caches
from django.utils import timezone
from playwright.sync_api import Page, expect

from ip_registry import services as registry
from ip_registry.choices import EntryKind, LicenceType
from ip_registry.models import RegistryEntry
from licensing.choices import FeeType, LicenceStatus, PaymentState
from licensing.models import OpenLicence
from licensing.permissions import finance_group
from licensing.services.declarations import declaration_create
from listings.services.listings import Term
from techmarket.accounts.choices import FirmSize, MembershipRole, OrganisationKind
from tests.factories import PASSWORD, UserFactory, add_member, make_listing, organisation_in
from tests.licensing.conftest import patent_in_force

pytestmark = pytest.mark.e2e

SH, AH = "310000", "340000"
TITLE = "一种钠离子电池硬碳负极材料及其制备方法"
FREE_TITLE = "一种锂电池极片缺陷视觉检测方法"
WIDTHS = (1280, 400)
PERIOD_END = datetime.date(2030, 12, 31)


# Fixtures ------------------------------------------------------------------------------------------------------


@pytest.fixture
def shots(request, tmp_path) -> Path:
    """Where the screenshots go: ``--screenshots DIR`` if given, else the test's temporary directory."""
    chosen = request.config.getoption("screenshots", default=None)
    directory = Path(chosen) if chosen else tmp_path / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def market(transactional_db):
    """A Shanghai university's two patents with open licences (a lump sum, and free) listed on the market; an Anhui
    small firm with a member; finance staff; and one licence from Shanghai to Anhui already on the registry."""
    caches["pages"].clear()
    today = timezone.localdate()
    university = organisation_in(SH, kind=OrganisationKind.UNIVERSITY, name_zh="上海理工测试大学")
    admin = add_member(university, UserFactory(name="张处长"), role=MembershipRole.ADMIN)
    patent = patent_in_force(university, title=TITLE)
    declaration = declaration_create(
        actor=admin,
        licensor=university,
        patents=[patent],
        period_end=PERIOD_END,
        on=today,
        fee_type=FeeType.LUMP_SUM,
        lump_sum=Decimal("50000.00"),
        payment_method="银行转账",
        fee_basis="按研发成本与市场规模测算",
    )
    listing = make_listing(
        university,
        status="published",
        patents=[patent],
        terms=[Term("open_licence", Decimal("50000.00"))],
        title_zh=TITLE,
        summary_zh="以生物质为前驱体制备硬碳负极，首次库伦效率超过百分之九十，适合储能电站与两轮电动车。",
    )
    free_patent = patent_in_force(university, title=FREE_TITLE)
    free_declaration = declaration_create(
        actor=admin, licensor=university, patents=[free_patent], period_end=PERIOD_END, on=today, fee_type=FeeType.FREE
    )
    free_listing = make_listing(
        university,
        status="published",
        patents=[free_patent],
        terms=[Term("open_licence", None)],
        title_zh=FREE_TITLE,
        summary_zh="基于深度学习的极片表面缺陷在线检测，漏检率低于千分之一。",
    )
    firm = organisation_in(AH, name_zh="合肥新锐储能科技有限公司", firm_size=FirmSize.SMALL, staff_count=45)
    member = add_member(firm, UserFactory(name="李工"))
    finance = UserFactory(name="财务专员")
    finance.groups.add(finance_group())
    # A licence already recorded from Shanghai to Anhui, so the dashboard shows its table before the journey.
    earlier_patent = patent_in_force(university)
    earlier_firm = organisation_in(AH, name_zh="芜湖测试电子有限公司")
    registry.licence_record(
        actor=None,
        patent=earlier_patent,
        licensees=[registry.Holding(earlier_firm)],
        licence_type=LicenceType.ORDINARY,
        registration_date=datetime.date(2025, 3, 10),
        term_start=datetime.date(2025, 3, 10),
        term_end=datetime.date(2028, 3, 9),
    )
    return {
        "university": university,
        "patent": patent,
        "declaration": declaration,
        "listing": listing,
        "free_patent": free_patent,
        "free_declaration": free_declaration,
        "free_listing": free_listing,
        "firm": firm,
        "member": member,
        "finance": finance,
    }


# Steps ---------------------------------------------------------------------------------------------------------


def sign_in(page: Page, base: str, user) -> None:
    page.goto(f"{base}/login/")
    page.fill('[name="username"]', user.email)
    page.fill('[name="password"]', PASSWORD)
    page.click("form#login-form button[type=submit]")
    expect(page).to_have_url(f"{base}/account/")


def sign_out(page: Page) -> None:
    page.click("form#logout-form button[type=submit]")
    expect(page.locator("form#logout-form")).to_have_count(0)


def shoot(page: Page, directory: Path, name: str, taken: list[Path]) -> None:
    """The whole page at each width, then back to the desktop width."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        path = directory / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def licences_from_shanghai_to_anhui(page: Page, base: str) -> int:
    """The dashboard's flow table, filtered to licences, as a person reads it: row 上海市, column 安徽省."""
    page.goto(f"{base}/registry/")
    page.select_option("#id_kind", "licence")
    page.click("#flow-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"kind=licence"))
    table = page.locator("#table-flows")
    expect(table).to_be_visible()
    columns = [text.strip() for text in table.locator("thead th").all_inner_texts()]
    row = table.locator("tbody tr", has=page.locator("th", has_text="上海市"))
    expect(row).to_have_count(1)
    cells = [text.strip() for text in row.locator("th, td").all_inner_texts()]
    return int(cells[columns.index("安徽省")])


# Journeys ------------------------------------------------------------------------------------------------------


def test_an_anhui_firm_obtains_a_shanghai_open_licence_pays_and_the_registry_counts_it(
    live_server, page, shots, market
):
    base = live_server.url
    taken: list[Path] = []
    js_errors: list[str] = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    firm, listing, patent = market["firm"], market["listing"], market["patent"]

    before = licences_from_shanghai_to_anhui(page, base)
    assert before == 1

    # The firm's member searches the patent's key words and finds the listing with its open licence.
    sign_in(page, base, market["member"])
    page.goto(f"{base}/")
    page.get_by_role("searchbox").fill("硬碳负极")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    hit = page.locator(".search-hit", has_text="钠离子电池硬碳负极材料")
    expect(hit).to_have_count(1)
    badge = hit.locator(".deal-mode-open")
    expect(badge).to_contain_text("开放许可")
    expect(badge).to_contain_text("¥50,000")  # the declaration's published fee, never "面议"
    expect(hit).to_contain_text("上海市")
    hit.locator("h3 a").click()
    expect(page.locator("h1")).to_have_text(TITLE)

    # The listing offers the open licence on its published terms; "obtain licence" opens them with the notice.
    offer = page.locator(".open-licence-offer")
    expect(offer).to_contain_text("一次性支付金额 ¥50,000.00")
    offer.get_by_role("link", name="取得许可").click()
    expect(page.locator(".page-header h1")).to_have_text("取得开放许可")
    terms = page.locator("#published-terms")
    expect(terms).to_contain_text("¥50,000.00")
    expect(terms).to_contain_text(patent.application_number)
    expect(terms).to_contain_text("按研发成本与市场规模测算")
    notice = page.locator("#notice-text")
    expect(notice).to_contain_text(firm.name_zh)
    expect(notice).to_contain_text(market["university"].name_zh)
    expect(notice).to_contain_text(patent.application_number)
    shoot(page, shots, "obtain", taken)

    # Without the confirmation nothing happens; with it, the firm goes to pay.
    submit = page.locator("#obtain-form button[type=submit]")
    expect(submit).to_have_text("确认并支付¥50,000.00")
    submit.click()
    expect(page.locator("#obtain-form .field-checkbox .errorlist")).to_have_text("请确认通知书以取得许可。")
    assert not OpenLicence.objects.exists()
    page.get_by_label("本人已阅读上述通知书", exact=False).check()
    page.locator("#obtain-form button[type=submit]").click()
    licence = OpenLicence.objects.get()
    payment = licence.payment
    expect(page).to_have_url(f"{base}/payments/{payment.reference}/")
    expect(page.locator(".message-success")).to_contain_text(licence.reference)
    instructions = page.locator("#transfer-instructions")
    expect(instructions).to_be_visible()
    expect(instructions.locator("[data-test=payment-reference]")).to_have_text(payment.reference)
    expect(page.locator("[data-test=payment-amount]")).to_have_text("¥50,000.00")
    shoot(page, shots, "payment", taken)
    assert licence.status == LicenceStatus.AWAITING_PAYMENT
    sign_out(page)

    # Finance staff find the reference among the transfers to confirm and confirm the amount received.
    sign_in(page, base, market["finance"])
    page.get_by_role("link", name="待确认的银行转账").click()
    page.get_by_label("付款编号或付款方").fill(payment.reference)
    page.click("#payment-search button[type=submit]")
    row = page.locator(f"#payment-{payment.reference}")
    expect(row).to_contain_text(firm.name_zh)
    expect(row).to_contain_text("¥50,000.00")
    row.locator('[name="amount_received"]').fill("50000.00")
    row.get_by_role("button").click()
    expect(page.locator(".message-success")).to_contain_text(payment.reference)
    expect(page.locator(f"#payment-{payment.reference}")).to_have_count(0)
    sign_out(page)

    # The licence is in force: the firm sees it among its licences and on its page, with the registry entry.
    licence.refresh_from_db()
    payment.refresh_from_db()
    assert payment.state == PaymentState.SUCCEEDED and licence.status == LicenceStatus.IN_FORCE
    assert licence.listing == listing and licence.licensee == firm
    sign_in(page, base, market["member"])
    page.get_by_role("link", name="我的许可").click()
    held = page.locator("#held tr", has_text=licence.reference)
    expect(held).to_contain_text("生效中")
    held.get_by_role("link", name=licence.reference).click()
    expect(page).to_have_url(f"{base}/licences/{licence.reference}/")
    expect(page.locator("#licence-status")).to_have_text("生效中")
    expect(page.locator("#licence-payment")).to_contain_text("已到账")
    expect(page.locator("#licence-entries li")).to_have_count(1)
    expect(page.locator("#licence-entries")).to_contain_text(patent.application_number)
    shoot(page, shots, "licence", taken)

    entry = RegistryEntry.objects.get(patent=patent, kind=EntryKind.LICENCE)
    assert entry in licence.registry_entries.all()
    assert licences_from_shanghai_to_anhui(page, base) == before + 1
    assert js_errors == []
    print("screenshots:", *taken, sep="\n  ")


def test_a_free_open_licence_is_in_force_in_one_click_after_the_notice(live_server, page, shots, market):
    base = live_server.url
    taken: list[Path] = []
    js_errors: list[str] = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    firm, listing, patent = market["firm"], market["free_listing"], market["free_patent"]

    sign_in(page, base, market["member"])
    page.goto(f"{base}/search/?q=缺陷检测")
    hit = page.locator(".search-hit", has_text=FREE_TITLE)
    expect(hit.locator(".deal-mode-open")).to_contain_text("免费")
    hit.locator("h3 a").click()
    expect(page.locator("h1")).to_have_text(FREE_TITLE)
    page.locator(".open-licence-offer").get_by_role("link", name="取得许可").click()
    expect(page.locator("#published-terms")).to_contain_text("免费")
    expect(page.locator("#notice-text")).to_contain_text(firm.name_zh)
    page.get_by_label("本人已阅读上述通知书", exact=False).check()
    page.get_by_role("button", name="确认并取得许可").click()

    licence = OpenLicence.objects.get()
    assert licence.status == LicenceStatus.IN_FORCE and licence.payment_id is None and licence.listing == listing
    expect(page).to_have_url(f"{base}/licences/{licence.reference}/")
    expect(page.locator(".message-success")).to_contain_text(licence.reference)
    expect(page.locator("#licence-status")).to_have_text("生效中")
    expect(page.locator("#licence-entries")).to_contain_text(patent.application_number)
    shoot(page, shots, "licence-free", taken)

    with page.expect_download() as download_info:
        page.locator("#licence-notice a", has_text="PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{licence.reference}-notice.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert js_errors == []
    print("screenshots:", *taken, sep="\n  ")
