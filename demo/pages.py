"""Demo editorial pages for ``manage.py seed_demo``: policies, news items and events under the indexes that the cms
app's migration creates, and the four province portals and two guides under the home page (``data/pages.toml``).

Each page is published as an editor would (a revision, then publish); a page whose slug already exists under its
index is left alone, so a rerun adds nothing.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from wagtail.models import Page

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

from .loading import read_data
from .steps import DemoStep

_DATA = read_data("pages")


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
    return _publish(PolicyIndexPage.objects.get(), PolicyPage(body=body, **row))


def seed_news(row: dict[str, Any]) -> bool:
    row = dict(row)
    body = _body(row.pop("body"))
    return _publish(NewsIndexPage.objects.get(), NewsPage(body=body, **row))


def seed_event(row: dict[str, Any]) -> bool:
    row = dict(row)
    day = timezone.localdate() + datetime.timedelta(days=row.pop("days_ahead"))
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    ends_at = starts_at + datetime.timedelta(hours=7)
    return _publish(EventIndexPage.objects.get(), EventPage(starts_at=starts_at, ends_at=ends_at, **row))


def seed_portal(row: dict[str, Any]) -> bool:
    row = dict(row)
    intro = _body(row.pop("intro"))
    return _publish(HomePage.objects.get(), ProvincePortalPage(intro=intro, **row))


def seed_guide(row: dict[str, Any]) -> bool:
    row = dict(row)
    body = _body(row.pop("paragraphs"))
    steps = [{"title": title, "text": f"<p>{text}</p>"} for title, text in row.pop("steps")]
    return _publish(HomePage.objects.get(), GuidePage(body=[*body, ("steps", steps)], **row))


STEPS = (
    DemoStep("Policy pages", tuple(_DATA["policies"]), seed_policy),
    DemoStep("News pages", tuple(_DATA["news"]), seed_news),
    DemoStep("Event pages", tuple(_DATA["events"]), seed_event),
    DemoStep("Province portals", tuple(_DATA["portals"]), seed_portal),
    DemoStep("Guides", tuple(_DATA["guides"]), seed_guide),
)
