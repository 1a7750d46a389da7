"""The home page and a policy page cost a fixed number of queries, whatever the number of news items, events,
guides and listings behind them: a fixed ceiling, and the same count with many rows as with one."""

import datetime
import json

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from wagtail.documents import get_document_model
from wagtail.models import Locale

from cms.models import GuidePage, NewsPage, PolicyPage
from tests.factories import make_listing, university_in

from .conftest import event, publish

pytestmark = pytest.mark.django_db
SH = "310000"

# The ceilings, as measured when written and kept as a contract. The home page: the site and the route, the market's
# figures and the plan's targets, the organisations, the four lists of pages and the newest listings (with their
# terms and images), the page's translations for the switcher; in English, the translations of each list too.
# A policy: the route, its parents, its attachments (one query), its listings (with their terms and images), the
# footer's contact details.
HOME_QUERIES = {"zh-hans": 31, "en": 37}
POLICY_QUERIES = 16


def grow_home(home, news_index, event_index, count: int, start: int = 0) -> None:
    """News items, events to come, guides and published listings: ``count`` more of each."""
    university = university_in(SH)
    for number in range(start, start + count):
        make_listing(university, status="published", title_zh=f"锂电池成果{number}")
        publish(news_index, NewsPage(title=f"新闻{number}", slug=f"news-{number}", date=datetime.date(2026, 11, 1)))
        event(event_index, f"路演{number}", f"event-{number}", timezone.now() + datetime.timedelta(days=1 + number))
        publish(home, GuidePage(title=f"指南{number}", slug=f"guide-{number}", topic="open_licence"))


def english(page):
    """The page and its parents translated into English ("In English: " and the title) and published."""
    locale = Locale.objects.get(language_code="en")
    for parent in [*page.get_ancestors().filter(depth__gt=1).specific(), page]:
        if parent.get_translation_or_none(locale) is None:
            translated = parent.copy_for_translation(locale)
            translated.title = f"In English: {parent.title}"
            translated.save_revision().publish()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_home_page_costs_the_same_few_queries_with_many_news_events_guides_and_listings(
    client, home, news_index, event_index, language, django_assert_max_num_queries
):
    grow_home(home, news_index, event_index, 1)
    english(NewsPage.objects.get())
    english(GuidePage.objects.get())
    address = "/" if language == "zh-hans" else "/en/"
    with translation.override(language), django_assert_max_num_queries(HOME_QUERIES[language]) as few:
        assert client.get(address).status_code == 200
    grow_home(home, news_index, event_index, 6, start=1)
    for page in [*NewsPage.objects.filter(slug__in=["news-5", "news-6"]), *GuidePage.objects.filter(slug="guide-6")]:
        english(page)  # some are listed in English, the others as they are
    with translation.override(language), django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(address).content.decode()
    assert html.count("card listing-card") == 4
    assert "锂电池成果6" in html  # the newest listing
    assert ("In English: 新闻6" in html) == (language == "en")  # listed in English on the English page


def documents(count: int) -> list:
    Document = get_document_model()
    return [
        Document.objects.create(title=f"附件{number}", file=ContentFile(b"%PDF-1.4\n", name=f"annex-{number}.pdf"))
        for number in range(count)
    ]


def policy_with(policy_index, slug: str, listings: list, attachments: list) -> PolicyPage:
    """A policy whose body links its attachments (Wagtail documents) and shows related listings as cards."""
    links = "".join(
        f'<li><a linktype="document" id="{document.pk}">{document.title}</a></li>' for document in attachments
    )
    body = [
        {"type": "paragraph", "value": f"<p>政策原文及附件：</p><ul>{links}</ul>"},
        {"type": "listing_cards", "value": {"heading": "相关成果", "listings": [listing.pk for listing in listings]}},
    ]
    return publish(
        policy_index,
        PolicyPage(
            title=f"关于促进长三角科技创新协同发展的决定{slug}",
            slug=slug,
            issuing_body="上海市、江苏省、浙江省、安徽省人大常委会",
            issue_date=datetime.date(2025, 7, 31),
            effective_date=datetime.date(2025, 9, 1),
            level="regional",
            summary="三省一市人大以协同立法方式通过的同一份决定。",
            body=json.dumps(body),
        ),
    )


def test_a_policy_page_costs_the_same_few_queries_with_many_related_listings_and_attachments(
    client, policy_index, django_assert_max_num_queries
):
    university = university_in(SH)
    one = [make_listing(university, status="published", title_zh="相关成果一")]
    small = policy_with(policy_index, "small", one, documents(1))
    with django_assert_max_num_queries(POLICY_QUERIES) as few:
        assert client.get(small.url).status_code == 200
    many = [*one, *(make_listing(university, status="published", title_zh=f"相关成果{n}") for n in range(8))]
    large = policy_with(policy_index, "large", many, documents(8))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(large.url).content.decode()
    assert html.count("card listing-card") == 9
    assert html.count("/documents/") == 8
    assert "附件7" in html and "相关成果7" in html
