"""A university member lists a patent with an image and submits it; a moderator publishes it; the public finds it."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from listings.choices import ListingStatus
from listings.models import Listing
from techmarket.accounts.choices import OrganisationKind
from tests.factories import PASSWORD, OrganisationFactory, add_member, make_patent, platform_staff_user

pytestmark = pytest.mark.e2e

TITLE = "一种钠离子电池硬碳负极材料及其制备方法"


def _sign_in(page, base, email):
    page.goto(f"{base}/login/")
    page.fill('[name="username"]', email)
    page.fill('[name="password"]', PASSWORD)
    page.click("form#login-form button[type=submit]")
    expect(page).to_have_url(f"{base}/account/")


def _sign_out(page):
    page.click("form#logout-form button[type=submit]")
    expect(page.locator("form#logout-form")).to_have_count(0)


def _photo(path):
    image = Image.new("RGB", (1600, 1200), "#1d4ed8")
    for x in range(0, 1600, 40):
        for y in range(0, 1200, 40):
            if (x + y) // 40 % 3 == 0:
                image.paste("#f59e0b", (x, y, x + 20, y + 20))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    path.write_bytes(buffer.getvalue())
    return path


def test_university_lists_moderator_publishes_public_finds(live_server, page, screenshot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    university = OrganisationFactory(
        kind=OrganisationKind.UNIVERSITY, name_zh="合肥工业大学", province="340000", city="340100"
    )
    member = add_member(university)
    patent = make_patent(university, title=TITLE)
    moderator = platform_staff_user()
    js_errors = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))

    # The member writes the listing.
    _sign_in(page, base, member.email)
    page.goto(f"{base}/listings/new/")
    page.select_option('[name="kind"]', "patent")
    page.select_option('[name="field"]', label="新能源")
    page.fill('[name="title_zh"]', TITLE)
    page.fill('[name="summary_zh"]', "以生物质为前驱体制备硬碳负极，首次库伦效率超过百分之九十，成本低。")
    page.fill('[name="problem"]', "钠离子电池负极材料容量低、首效差。")
    page.fill('[name="applications"]', "储能电站、两轮电动车。")
    page.select_option('[name="trl"]', "6")
    page.fill('[name="patent_numbers"]', patent.application_number)
    page.check('[name="offer_assignment"]')
    page.fill('[name="price_assignment"]', "800000")
    page.check('[name="offer_ordinary_licence"]')
    page.fill('[name="contact_name"]', "赵老师")
    page.fill('[name="contact_email"]', "zhao@hfut.example.cn")
    screenshot("listing-form")
    page.click("main form[method=post] button[type=submit]")
    listing = Listing.objects.get()
    expect(page).to_have_url(f"{base}/listings/{listing.pk}/files/")

    # An image, uploaded and shown at its rendition's size.
    page.set_input_files('[name="image-image"]', str(_photo(tmp_path / "prototype.jpg")))
    page.fill('[name="image-caption"]', "硬碳负极样品")
    page.click("form.upload-form:has([name=image-image]) button[type=submit]")
    expect(page.locator(".thumb-list img")).to_have_count(1)
    screenshot("listing-files")

    # Submitted for review.
    page.goto(f"{base}/listings/{listing.pk}/")
    page.click(f'form[action="/listings/{listing.pk}/actions/submit/"] button')
    expect(page.locator(".message-success")).to_be_visible()
    screenshot("listing-submitted")
    _sign_out(page)

    # The moderator publishes it from the queue.
    _sign_in(page, base, moderator.email)
    page.goto(f"{base}/listings/review/")
    expect(page.locator(".review-item h2")).to_have_text(TITLE)
    screenshot("review-queue")
    page.click(f'form[action="/listings/{listing.pk}/actions/approve/"] button')
    expect(page.locator(".empty-state")).to_be_visible()
    _sign_out(page)

    # Anyone finds it on the public list, with its picture, and opens it.
    page.goto(f"{base}/listings/?province=340000")
    card = page.locator(".listing-card", has_text=TITLE)
    expect(card).to_have_count(1)
    thumb = card.locator("img")
    expect(thumb).to_have_attribute("width", "480")
    assert page.evaluate("img => img.complete && img.naturalWidth", thumb.element_handle()) == 480
    screenshot("listing-list")
    card.locator("a").first.click()
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".gallery img")).to_have_count(1)
    assert page.locator('meta[property="og:title"]').get_attribute("content") == TITLE
    screenshot("listing-detail")

    assert Listing.objects.get().status == ListingStatus.PUBLISHED
    assert js_errors == []
