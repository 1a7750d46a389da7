"""The public listing pages come whole from the cache for visitors who are not signed in, and never stale."""

import pytest
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse

from listings.models import Listing
from listings.services import listings as services
from techmarket import pagecache
from techmarket.accounts.choices import OrganisationKind
from tests.factories import OrganisationFactory, add_member, make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.LISTING_PAGE_CACHE_SECONDS = 600
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "listing-page-tests"},
    }
    from django.core.cache import caches

    caches["pages"].clear()


@pytest.fixture
def university():
    return OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="复旦大学")


@pytest.fixture
def listing(university, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_listing(university, status="published", title_zh="高镍正极材料成果")


def test_a_visitor_gets_the_page_from_the_cache_without_a_query(client, listing, django_assert_num_queries):
    first = client.get(listing.get_absolute_url())
    with django_assert_num_queries(0):
        again = Client().get(listing.get_absolute_url())
    assert again.status_code == 200
    assert "高镍正极材料成果" in again.content.decode()
    assert again.content == first.content
    Client().get(reverse("listings:listing_list"))
    with django_assert_num_queries(0):
        assert "高镍正极材料成果" in Client().get(reverse("listings:listing_list")).content.decode()


def test_a_change_shows_at_once(client, listing, django_capture_on_commit_callbacks):
    url = listing.get_absolute_url()
    client.get(url)
    client.get(reverse("listings:listing_list"))
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_update(actor=None, listing=listing, title_zh="改过的标题")
    assert "改过的标题" in Client().get(url).content.decode()
    assert "改过的标题" in Client().get(reverse("listings:listing_list")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.listing_transition(actor=None, listing=listing, name="suspend", reason="核查中")
    assert Client().get(url).status_code == 404
    assert "改过的标题" not in Client().get(reverse("listings:listing_list")).content.decode()


def test_signed_in_people_and_waiting_messages_skip_the_cache(client, listing, university):
    url = listing.get_absolute_url()
    client.get(url)
    Listing.objects.filter(pk=listing.pk).update(title_zh="未经服务改动的标题")  # no signal: the cache keeps the page
    assert "未经服务改动的标题" not in Client().get(url).content.decode()
    member = Client()
    member.force_login(add_member(university))
    assert "未经服务改动的标题" in member.get(url).content.decode()
    with_message = Client()
    with_message.cookies["messages"] = "anything"
    assert "未经服务改动的标题" in with_message.get(url).content.decode()


def test_a_page_with_something_for_this_visitor_is_not_kept(client, listing):
    """A page that used a CSRF token or set a cookie belongs to its visitor: it is built again for the next one."""
    calls = []

    @pagecache.cached_for_visitors(params=())
    def with_token(request):
        calls.append(1)
        return HttpResponse(get_token(request))

    @pagecache.cached_for_visitors(params=())
    def with_cookie(request):
        calls.append(1)
        response = HttpResponse("ok")
        response.set_cookie("seen", "1")
        return response

    for view in (with_token, with_cookie):
        for _ in range(2):
            view(RequestFactory().get(f"/{view.__name__}/"))
    assert len(calls) == 4


def test_no_cache_when_turned_off(client, listing, settings, django_assert_max_num_queries):
    settings.LISTING_PAGE_CACHE_SECONDS = 0
    client.get(listing.get_absolute_url())
    with django_assert_max_num_queries(20) as captured:
        Client().get(listing.get_absolute_url())
    assert len(captured.captured_queries) > 0


# The key: the address with only the parameters the page reads


@pytest.fixture
def page_entries(page_cache, settings, tmp_path):
    """The pages cache in files, as in production, so that a test counts the entries it holds."""
    directory = tmp_path / "pages"
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": directory},
    }
    return lambda: len(list(directory.glob("*.djcache")))


def test_a_thousand_unknown_parameters_make_one_entry_and_none_shows(listing, page_entries):
    url = reverse("listings:listing_list")
    visitor = Client()
    built = visitor.get(url, {"utm_source": "campaign-0"})  # the page everyone gets is built by this request
    entries = page_entries()
    plain = visitor.get(url)
    assert plain.content == built.content
    assert "campaign-0" not in plain.content.decode()  # not in the language links, nor anywhere
    for number in range(1, 1000):
        response = visitor.get(url, {"utm_source": f"campaign-{number}"})
        assert response.status_code == 200
    assert response.content == plain.content
    assert page_entries() == entries


def test_the_listing_page_reads_no_parameter(listing, page_entries):
    visitor = Client()
    page = visitor.get(listing.get_absolute_url(), {"fbclid": "0"})
    entries = page_entries()
    for number in range(1, 50):
        assert (
            visitor.get(listing.get_absolute_url(), {"fbclid": str(number), "tab": "history"}).content == page.content
        )
    assert page_entries() == entries


def test_the_order_of_parameters_makes_no_new_entry_and_the_filters_still_apply(listing, page_entries):
    url = reverse("listings:listing_list")
    elsewhere = next(code for code in ("310000", "320000", "330000", "340000") if code != listing.province)
    visitor = Client()
    first = visitor.get(f"{url}?province={listing.province}&kind={listing.kind}")
    assert "高镍正极材料成果" in first.content.decode()
    entries = page_entries()
    swapped = visitor.get(f"{url}?kind={listing.kind}&gclid=x&province={listing.province}")
    assert swapped.content == first.content
    assert page_entries() == entries
    other = visitor.get(f"{url}?gclid=x&province={elsewhere}&kind={listing.kind}")
    assert "高镍正极材料成果" not in other.content.decode()
    assert page_entries() == entries + 1
