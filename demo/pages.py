"""Demo editorial pages for ``manage.py seed_demo``: policies, news items and events under the indexes that the cms
app's migration creates, and the four province portals and two guides under the home page (``data/pages.toml``);
then English translations of the home page, the policies and a guide (``data/pages_en.toml``), and the site
settings' contact details and bank account.

Each page is published as an editor would (a revision, then publish); a page whose slug already exists under its
index is left alone, so a rerun adds nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from wagtail.models import Locale, Page, Site

from cms.models import (
    EventIndexPage,
    EventPage,
    GuidePage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PolicyIndexPage,
    PolicyPage,
    ProvincePortalPage,
)
from cms.site_settings import PlatformBankAccount, PlatformContact

from .loading import read_data
from .steps import DemoStep

_DATA = read_data("pages")
_ENGLISH = read_data("pages_en")


def _original(model: type[Page]) -> Page:
    """The one page of the kind in Chinese (the English tree has its own, once translated)."""
    return model.objects.get(locale__language_code="zh-hans")


def _body(paragraphs: list[str]) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{text}</p>") for text in paragraphs]


def _publish(index: Page, page: Page) -> bool:
    if index.get_children().filter(slug=page.slug).exists():
        return False
    index.add_child(instance=page)
    page.save_revision().publish()
    return True


def seed_policy(row: dict[str, Any]) -> bool:
    row = dict(row)
    body = _body(row.pop("body"))
    return _publish(_original(PolicyIndexPage), PolicyPage(body=body, **row))


def seed_news(row: dict[str, Any]) -> bool:
    row = dict(row)
    body = _body(row.pop("body"))
    return _publish(_original(NewsIndexPage), NewsPage(body=body, **row))


def seed_event(row: dict[str, Any]) -> bool:
    row = dict(row)
    day = timezone.localdate() + datetime.timedelta(days=row.pop("days_ahead"))
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    ends_at = starts_at + datetime.timedelta(hours=7)
    return _publish(_original(EventIndexPage), EventPage(starts_at=starts_at, ends_at=ends_at, **row))


def seed_portal(row: dict[str, Any]) -> bool:
    row = dict(row)
    intro = _body(row.pop("intro"))
    return _publish(_original(HomePage), ProvincePortalPage(intro=intro, **row))


def seed_guide(row: dict[str, Any]) -> bool:
    row = dict(row)
    body = _body(row.pop("paragraphs"))
    steps = [{"title": title, "text": f"<p>{text}</p>"} for title, text in row.pop("steps")]
    return _publish(_original(HomePage), GuidePage(body=[*body, ("steps", steps)], **row))


def seed_translation(row: dict[str, Any]) -> bool:
    """Translate a page into English as an editor does (Translate, then edit and publish); its parents first."""
    row = dict(row)
    home = _original(HomePage)
    where = row.pop("page")
    address = home.url_path + (f"{where}/" if where else "")
    original = Page.objects.get(locale=home.locale_id, url_path=address).specific
    english = Locale.objects.get(language_code="en")
    if original.get_translation_or_none(english) is not None:
        return False
    page = original.copy_for_translation(english, copy_parents=True)
    if "body" in row:
        row["body"] = _body(row.pop("body"))
    if "paragraphs" in row:
        steps = [{"title": title, "text": f"<p>{text}</p>"} for title, text in row.pop("steps")]
        row["body"] = [*_body(row.pop("paragraphs")), ("steps", steps)]
    for name, value in row.items():
        setattr(page, name, value)
    page.draft_title = page.title
    page.save_revision().publish()
    return True


SITE_SETTINGS = {"contact": PlatformContact, "bank_account": PlatformBankAccount}


def seed_site_setting(name: str) -> bool:
    """Fill in the default site's setting, unless someone has already filled in any of it."""
    values = _DATA[name]
    setting = SITE_SETTINGS[name].for_site(Site.objects.get(is_default_site=True))
    if any(getattr(setting, field) for field in values):
        return False
    for field, value in values.items():
        setattr(setting, field, value)
    setting.full_clean()
    setting.save()
    return True


STEPS = (
    DemoStep("Policy pages", tuple(_DATA["policies"]), seed_policy),
    DemoStep("News pages", tuple(_DATA["news"]), seed_news),
    DemoStep("Event pages", tuple(_DATA["events"]), seed_event),
    DemoStep("Province portals", tuple(_DATA["portals"]), seed_portal),
    DemoStep("Guides", tuple(_DATA["guides"]), seed_guide),
    DemoStep("English translations", tuple(_ENGLISH["translations"]), seed_translation),
    DemoStep("Site settings", tuple(SITE_SETTINGS), seed_site_setting),
)
