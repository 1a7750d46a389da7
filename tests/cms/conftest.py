"""Fixtures of the editorial pages: the tree the migration builds, and pages published under it."""

import datetime

import pytest
from wagtail.models import Site

from cms.models import EventIndexPage, EventPage, HomePage, NewsIndexPage, NewsPage, PolicyIndexPage, PolicyPage


@pytest.fixture
def home(db) -> HomePage:
    return Site.objects.get(is_default_site=True).root_page.specific


def publish(parent, page):
    """Add the page under the parent and publish it, as an editor does in the admin."""
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def news_index(home) -> NewsIndexPage:
    return NewsIndexPage.objects.child_of(home).get()


@pytest.fixture
def policy_index(home) -> PolicyIndexPage:
    return PolicyIndexPage.objects.child_of(home).get()


@pytest.fixture
def event_index(home) -> EventIndexPage:
    return EventIndexPage.objects.child_of(home).get()


@pytest.fixture
def policy(policy_index) -> PolicyPage:
    return publish(
        policy_index,
        PolicyPage(
            title="长三角科技创新共同体建设发展规划",
            slug="innovation-community-plan",
            issuing_body="科技部",
            document_number="国科发规〔2020〕352号",
            issue_date=datetime.date(2020, 12, 20),
            effective_date=datetime.date(2020, 12, 20),
            level="regional",
            summary="三省一市共建科技创新共同体的总体安排。",
        ),
    )


@pytest.fixture
def news_item(news_index) -> NewsPage:
    return publish(
        news_index,
        NewsPage(title="平台开通开放许可专区", slug="open-licence-zone", date=datetime.date(2026, 11, 30)),
    )


def event(event_index, title: str, slug: str, starts_at: datetime.datetime) -> EventPage:
    return publish(
        event_index,
        EventPage(title=title, slug=slug, starts_at=starts_at, place="上海市徐汇区", capacity=80, kind="roadshow"),
    )
