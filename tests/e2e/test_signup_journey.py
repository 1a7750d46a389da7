"""An enterprise signs up, signs in and finds its organisation."""

import pytest
from playwright.sync_api import expect

from techmarket.accounts.choices import MembershipRole, MembershipStatus
from techmarket.accounts.models import Membership, Organisation
from tests.factories import make_credit_code

pytestmark = pytest.mark.e2e

NAME = "张晓岚"
EMAIL = "zhang.xiaolan@chengguang.example.cn"
PHONE = "13912345678"
PASSWORD = "Chengguang-Licence-2026"
ORG_NAME_ZH = "上海澄光新材料科技有限公司"
ORG_NAME_EN = "Shanghai Chengguang New Materials Co., Ltd."


def test_enterprise_signs_up_logs_in_and_sees_its_organisation(live_server, page, screenshot):
    credit_code = make_credit_code("310109")  # 上海市虹口区
    js_errors = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))

    # Sign up: the account and a new organisation in one form.
    page.goto(f"{live_server.url}/signup/")
    assert (page.get_attribute("html", "lang") or "").startswith("zh")
    page.fill('[name="user-name"]', NAME)
    page.fill('[name="user-email"]', EMAIL)
    page.fill('[name="user-phone"]', PHONE)
    page.fill('[name="user-password1"]', PASSWORD)
    page.fill('[name="user-password2"]', PASSWORD)
    page.check('[name="user-mode"][value="create"]')
    page.select_option('[name="org-kind"]', "enterprise")
    page.fill('[name="org-name_zh"]', ORG_NAME_ZH)
    page.fill('[name="org-name_en"]', ORG_NAME_EN)
    page.fill('[name="org-credit_code"]', credit_code)
    page.select_option('[name="org-province"]', "310000")
    page.select_option('[name="org-city"]', "310109")
    page.fill('[name="org-website"]', "https://chengguang.example.cn")
    page.fill('[name="org-description"]', "专注于钙钛矿光伏材料的研发与产业化。")
    screenshot("signup")
    page.click("form#signup-form button[type=submit]")

    # The same answer as for an address that has an account: an e-mail is on its way, sign in to continue.
    expect(page).to_have_url(f"{live_server.url}/login/")
    expect(page.locator(".messages")).to_contain_text(EMAIL)
    expect(page.locator("form#logout-form")).to_have_count(0)

    # Sign in, with the mobile number.
    assert (page.get_attribute("html", "lang") or "").startswith("zh")
    page.fill('[name="username"]', PHONE)
    page.fill('[name="password"]', PASSWORD)
    page.click("form#login-form button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/account/")
    expect(page.locator("form#logout-form")).to_have_count(1)
    link = page.locator("a[data-test=organisation-link]")
    expect(link).to_have_text(ORG_NAME_ZH)
    screenshot("dashboard")

    # The organisation's own page, reached from the dashboard.
    link.click()
    organisation = Organisation.objects.get(credit_code=credit_code)
    expect(page).to_have_url(f"{live_server.url}/organisations/{organisation.pk}/")
    expect(page.locator("h1")).to_have_text(ORG_NAME_ZH)
    assert (page.get_attribute("html", "lang") or "").startswith("zh")
    screenshot("organisation")

    assert organisation.name_zh == ORG_NAME_ZH
    assert (organisation.province, organisation.city) == ("310000", "310109")
    membership = Membership.objects.get(organisation=organisation)
    assert membership.user.email == EMAIL
    assert membership.user.phone == PHONE
    assert membership.role == MembershipRole.ADMIN
    assert membership.status == MembershipStatus.ACTIVE
    assert js_errors == []


def test_chinese_text_renders_as_glyphs_not_boxes(live_server, page):
    """Without a CJK font every Chinese character is drawn as the same empty box (tofu)."""
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("长三角技术转移市场")
    drawings = page.evaluate(
        """(chars) => chars.map((char) => {
            const canvas = document.createElement("canvas");
            canvas.width = canvas.height = 48;
            const context = canvas.getContext("2d");
            context.font = "40px sans-serif";
            context.fillText(char, 4, 40);
            return canvas.toDataURL();
        })""",
        ["长", "角", "\ue000"],  # two characters and one code point no font has a glyph for
    )
    long_, corner, missing = drawings
    drawn_as_missing = long_ == missing
    drawn_alike = long_ == corner
    assert not drawn_as_missing, "Chinese characters are drawn as missing glyphs (install fonts-wqy-zenhei)"
    assert not drawn_alike, "长 and 角 are drawn alike: no Chinese font (install fonts-wqy-zenhei)"
