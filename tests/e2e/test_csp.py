"""The main pages under the Content-Security-Policy in Chromium: nothing blocked, and the registry's charts still draw.

Violations are caught twice: Chromium's console messages, and the page's own
``securitypolicyviolation`` events, recorded by a script Playwright adds to
each document before the page's scripts run (Playwright's scripts are not
subject to the page's policy).
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from ip_registry import services as registry
from listings.services import listings as listing_services
from tests.factories import PASSWORD, make_listing, make_patent, organisation_in
from tests.listings.conftest import image_bytes

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__csp.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${where}`);
});
"""


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    """A published listing with a picture (the search finds 电池 in it) and transfers for the registry's charts."""
    settings.MEDIA_ROOT = tmp_path / "media"
    university = organisation_in("310000", name_zh="复旦大学", kind="university")
    listing = make_listing(university, status="published", title_zh="一种锂离子电池正极材料的制备方法")
    listing_services.listing_image_add(
        actor=None, listing=listing, image=SimpleUploadedFile("a.jpg", image_bytes(size=(1200, 900))), caption="样机"
    )
    firms = [organisation_in(code) for code in ("320000", "330000", "340000")]
    for i, firm in enumerate(firms * 2):
        patent = make_patent(university, year=2019)
        registry.patent_assign(
            actor=None,
            patent=patent,
            assignees=[registry.Holding(firm)],
            registration_date=datetime.date(2022 + i % 3, 5, 10),
        )
    return listing


def _watch(page) -> list[str]:
    messages = []
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda message: messages.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return messages


def _violations(page, console: list[str]) -> list[str]:
    return console + page.evaluate("window.__csp || []")


PAGES = [
    ("home", "/", "h1"),
    ("listings", "/listings/", ".listing-thumb"),
    ("listing", None, "h1"),
    ("search", "/search/?q=电池", "main"),
    ("demands", "/demands/", "h1"),
    ("sign-in", "/login/", "form#login-form"),
    ("django-admin", "/django-admin/login/", "#login-form"),
    ("cms-admin", "/cms-admin/login/", "form"),
    ("api-docs", "/api/v1/docs/", ".swagger-ui .info"),
]


@pytest.mark.parametrize(("name", "path", "selector"), PAGES, ids=[name for name, _path, _selector in PAGES])
def test_the_page_loads_with_no_violation(live_server, page, world, name, path, selector):
    console = _watch(page)
    response = page.goto(live_server.url + (path or world.get_absolute_url()))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator(selector).first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert _violations(page, console) == [], name


def test_the_registry_charts_draw_under_the_policy(live_server, page, world):
    console = _watch(page)
    response = page.goto(f"{live_server.url}/registry/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#flow-chart canvas")).to_have_count(1)
    expect(page.locator("#trend-chart canvas")).to_have_count(1)
    size = page.evaluate("(() => { const c = document.querySelector('#trend-chart canvas'); return c.width; })()")
    assert size > 200
    # The tooltips: hovering over both charts shows them. ECharts' HTML tooltips would carry inline styles.
    for chart in ("#flow-chart", "#trend-chart"):
        page.locator(chart).scroll_into_view_if_needed()  # the mouse reaches only what is on the screen
        box = page.locator(chart).bounding_box()
        for step in range(1, 8):
            page.mouse.move(box["x"] + box["width"] * step / 8, box["y"] + box["height"] / 2)
            page.wait_for_timeout(60)
    page.wait_for_load_state("networkidle")
    assert _violations(page, console) == []


def test_the_admin_sites_work_for_a_superuser_with_no_violation(live_server, page, world, django_user_model):
    """The pages behind the admins' sign-in: their inline scripts and styles are allowed on their paths only."""
    django_user_model.objects.create_superuser(email="root@example.cn", name="管理员", password=PASSWORD)
    home = _wagtail_home()
    console = _watch(page)
    page.goto(f"{live_server.url}/django-admin/login/")
    page.fill("#id_username", "root@example.cn")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form [type=submit]")
    expect(page.locator("#site-name")).to_be_visible()
    visited = []
    for path in [
        "/django-admin/",
        f"/django-admin/listings/listing/{world.pk}/change/",
        "/django-admin/accounts/organisation/",
        "/cms-admin/",
        "/cms-admin/pages/",
        f"/cms-admin/pages/{home.pk}/edit/",
        "/cms-admin/images/",
        "/cms-admin/documents/",
        "/cms-admin/users/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "object-src 'none'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
        visited.append(path)
    assert _violations(page, console) == [], visited


def _wagtail_home():
    """Wagtail's first page and site, as its migrations make them (an earlier flush may have removed them)."""
    from wagtail.models import Locale, Page, Site

    Locale.objects.get_or_create(language_code="zh-hans")
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    home = root.get_first_child() or root.add_child(title="首页", slug="home")
    Site.objects.get_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return home
