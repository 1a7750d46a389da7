"""Saved searches: a signed-in user saves the search they are looking at, lists, renames nothing, deletes, and
turns alerts off from the list or from the link in an alert, without signing in.

Messages are checked in English (the source strings), through ``/en/`` pages
and ``translation.override("en")`` around the saved_searches.
"""

from urllib.parse import parse_qs, urlencode

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from search import saved_searches
from search.models import SavedSearch
from search.saved_searches import MAX_SAVED_SEARCHES
from search.tokens import unsubscribe_token
from tests.factories import UserFactory
from tests.search.saved import en

pytestmark = pytest.mark.django_db

with translation.override("en"):
    LOGIN = reverse("accounts:login")

BATTERIES_IN_JIANGSU = urlencode({"q": "电池", "province": "320000"})


def save(user, querystring=BATTERIES_IN_JIANGSU, name=""):
    with translation.override("en"):
        return saved_searches.saved_search_create(user=user, querystring=querystring, name=name)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# The services ---------------------------------------------------------------------------------------------------


def test_a_saved_search_keeps_the_canonical_query_string_and_is_named_after_its_words_and_filters(user):
    # Page left out, parameters in the search page's own order.
    saved = saved_searches.saved_search_create(user=user, querystring="page=3&province=320000&q=电池")
    assert saved.querystring == BATTERIES_IN_JIANGSU
    assert saved.name == "电池 · 江苏省"
    assert saved.alerts is True
    assert saved.last_sent_at is None
    assert saved.get_search_url() == f"{reverse('search:search')}?{BATTERIES_IN_JIANGSU}"


def test_the_default_name_lists_several_values_and_the_yes_no_filters(user):
    saved = save(user, "q=solid+state&province=310000&province=330000&open_licence=1")
    assert saved.name == "solid state · Shanghai, Zhejiang · Open licence"
    assert save(user, "").name == "All listings"


def test_a_name_given_is_kept_with_its_spaces_tidied(user):
    assert save(user, name="  我的  电池检索 ").name == "我的 电池检索"


@pytest.mark.parametrize(
    "querystring", ["province=999999", "sort=cheapest", "kind=rumour", "city=Suzhou", "page=0", "q=" + "电" * 101]
)
def test_an_invalid_search_is_refused_and_nothing_is_saved(user, querystring):
    with pytest.raises(ValidationError) as error, translation.override("en"):
        save(user, querystring)
    with translation.override("en"):
        assert error.value.message_dict["querystring"] == [
            "This search cannot be saved: its words or filters are not valid."
        ]
    assert not SavedSearch.objects.exists()


def test_the_same_search_written_differently_is_saved_once(user):
    save(user, BATTERIES_IN_JIANGSU)
    with pytest.raises(ValidationError) as error:
        save(user, "province=320000&q=电池&page=2")
    assert error.value.message_dict["querystring"] == ["You have already saved this search."]
    assert SavedSearch.objects.count() == 1
    # Another user may save it too.
    save(UserFactory(), BATTERIES_IN_JIANGSU)
    assert SavedSearch.objects.count() == 2


def test_a_user_keeps_at_most_twenty_saved_searches(user):
    for number in range(MAX_SAVED_SEARCHES):
        save(user, urlencode({"q": f"电池{number}"}))
    with pytest.raises(ValidationError) as error:
        save(user, "q=电机")
    assert error.value.messages == ["You can keep at most 20 saved searches. Delete one before saving another."]
    assert SavedSearch.objects.filter(user=user).count() == MAX_SAVED_SEARCHES
    save(UserFactory(), "q=电机")  # the limit is per user


def test_deleting_is_only_for_the_owner(user):
    saved = save(user)
    with pytest.raises(PermissionDenied):  # the pages look it up among the user's own: a 404 before this
        saved_searches.saved_search_delete(user=UserFactory(), saved_search=saved)
    assert SavedSearch.objects.filter(pk=saved.pk).exists()
    saved_searches.saved_search_delete(user=user, saved_search=saved)
    assert not SavedSearch.objects.exists()


def test_turning_alerts_back_on_starts_from_now(user):
    saved = save(user)
    saved_searches.saved_search_unsubscribe(saved_search=saved)
    saved.refresh_from_db()
    assert saved.alerts is False
    before = timezone.now()
    saved_searches.saved_search_subscribe(saved_search=saved)
    saved.refresh_from_db()
    assert saved.alerts is True
    assert saved.alerts_since >= before > saved.created_at


# The pages ------------------------------------------------------------------------------------------------------


def test_the_list_shows_the_users_own_saved_searches(client, user):
    save(user, name="江苏电池")
    saved = save(user, "q=机器人", name="机器人")
    saved_searches.saved_search_unsubscribe(saved_search=saved)
    save(UserFactory(), "q=芯片", name="别人的芯片检索")
    client.force_login(user)
    response = client.get(en("saved_search_list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "江苏电池" in page and "机器人" in page
    assert "别人的芯片检索" not in page
    assert f'href="/en/search/?{escape(BATTERIES_IN_JIANGSU)}"' in page
    assert "Turn off" in page and "Turn on" in page  # one with alerts on, one off


def test_the_list_needs_a_login(client):
    response = client.get(en("saved_search_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_an_empty_list_says_how_to_save_a_search(client, user):
    client.force_login(user)
    assert "You have no saved searches yet" in client.get(en("saved_search_list")).content.decode()


def test_saving_from_the_search_page_returns_to_it_with_a_message(client, user):
    client.force_login(user)
    response = client.post(en("saved_search_create"), {"querystring": "province=320000&q=电池", "name": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/en/search/?{BATTERIES_IN_JIANGSU}"
    saved = SavedSearch.objects.get(user=user)
    assert saved.querystring == BATTERIES_IN_JIANGSU
    assert messages_of(response) == [
        f"Search saved as “{saved.name}”. We will e-mail you once a day when new listings match it."
    ]


def test_saving_again_or_over_the_limit_returns_with_the_reason(client, user):
    save(user)
    client.force_login(user)
    response = client.post(en("saved_search_create"), {"querystring": BATTERIES_IN_JIANGSU})
    assert response.status_code == 302
    assert messages_of(response) == ["You have already saved this search."]
    assert SavedSearch.objects.count() == 1
    for number in range(MAX_SAVED_SEARCHES - 1):
        save(user, urlencode({"q": f"电池{number}"}))
    response = client.post(en("saved_search_create"), {"querystring": "q=电机"})
    assert response["Location"] == f"/en/search/?{urlencode({'q': '电机'})}"
    assert messages_of(response)[-1] == "You can keep at most 20 saved searches. Delete one before saving another."
    assert SavedSearch.objects.count() == MAX_SAVED_SEARCHES


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back_to_the_search(client):
    response = client.post(en("saved_search_create"), {"querystring": BATTERIES_IN_JIANGSU})
    assert response.status_code == 302
    login, _, query = response["Location"].partition("?")
    assert login == LOGIN
    assert parse_qs(query) == {"next": [f"/en/search/?{BATTERIES_IN_JIANGSU}"]}
    assert messages_of(response) == ["Sign in to save this search and be told of new matches."]
    assert not SavedSearch.objects.exists()


def test_saving_a_tampered_search_is_a_bad_request_that_says_why(client, user):
    client.force_login(user)
    response = client.post(en("saved_search_create"), {"querystring": "province=999999", "name": "x"})
    assert response.status_code == 400
    assert "This search cannot be saved: its words or filters are not valid." in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_saving_takes_only_a_post(client, user):
    client.force_login(user)
    assert client.get(en("saved_search_create")).status_code == 405


def test_the_owner_deletes_a_saved_search_with_a_message(client, user):
    saved = save(user, name="江苏电池")
    client.force_login(user)
    response = client.post(en("saved_search_delete", saved.pk))
    assert response.status_code == 302
    assert response["Location"] == en("saved_search_list")
    assert messages_of(response) == ["The saved search “江苏电池” is deleted."]
    assert not SavedSearch.objects.exists()


def test_another_user_cannot_delete_or_change_a_saved_search(client, user):
    saved = save(user)
    client.force_login(UserFactory())
    assert client.post(en("saved_search_delete", saved.pk)).status_code == 404
    assert client.post(en("saved_search_alerts", saved.pk), {"alerts": "off"}).status_code == 404
    saved.refresh_from_db()
    assert saved.alerts is True


def test_deleting_takes_only_a_post(client, user):
    saved = save(user)
    client.force_login(user)
    assert client.get(en("saved_search_delete", saved.pk)).status_code == 405
    assert SavedSearch.objects.exists()


def test_alerts_are_turned_off_and_on_from_the_list(client, user):
    saved = save(user, name="江苏电池")
    client.force_login(user)
    response = client.post(en("saved_search_alerts", saved.pk), {"alerts": "off"})
    assert messages_of(response) == ["E-mail alerts for “江苏电池” are off."]
    saved.refresh_from_db()
    assert saved.alerts is False
    client.post(en("saved_search_alerts", saved.pk), {"alerts": "on"})
    saved.refresh_from_db()
    assert saved.alerts is True


# Unsubscribing from the link in an alert -------------------------------------------------------------------------


def test_the_unsubscribe_link_works_without_signing_in(client, user):
    saved = save(user, name="江苏电池")
    url = en("saved_search_unsubscribe", unsubscribe_token(saved))
    page = client.get(url).content.decode()
    assert "Stop the daily e-mails of new listings for the saved search “江苏电池”?" in page
    saved.refresh_from_db()
    assert saved.alerts is True  # a GET (a mail scanner following links) changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert messages_of(response) == ["You will receive no more e-mails for “江苏电池”."]
    saved.refresh_from_db()
    assert saved.alerts is False
    assert "E-mail alerts for the saved search “江苏电池” are off." in client.get(url).content.decode()


def test_a_mail_clients_one_click_unsubscribe_needs_no_csrf_token(user):
    saved = save(user)
    client = Client(enforce_csrf_checks=True)
    url = reverse("search:saved_search_unsubscribe", args=[unsubscribe_token(saved)])
    response = client.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.alerts is False


@pytest.mark.parametrize("mangle", [lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"), lambda t: "x" + t])
def test_a_tampered_unsubscribe_link_is_refused_with_a_clear_page(client, user, mangle):
    saved = save(user)
    response = client.post(en("saved_search_unsubscribe", mangle(unsubscribe_token(saved))))
    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    saved.refresh_from_db()
    assert saved.alerts is True


def test_a_token_signed_for_something_else_is_refused(client, user):
    from django.core import signing

    saved = save(user)
    token = signing.dumps(saved.pk)  # right key, wrong purpose
    assert client.get(en("saved_search_unsubscribe", token)).status_code == 400


def test_the_link_of_a_deleted_saved_search_says_so(client, user):
    saved = save(user)
    token = unsubscribe_token(saved)
    saved_searches.saved_search_delete(user=user, saved_search=saved)
    response = client.get(en("saved_search_unsubscribe", token))
    assert response.status_code == 404
    assert "This saved search no longer exists" in response.content.decode()


# The form the search page includes --------------------------------------------------------------------------------


def test_the_save_form_carries_the_search_and_an_optional_name(user):
    request = RequestFactory().get("/search/")
    request.user = user
    with translation.override("en"):
        html = render_to_string(
            "search/includes/save_search.html", {"save_querystring": BATTERIES_IN_JIANGSU}, request=request
        )
    assert 'action="/en/search/saved/new/"' in html
    assert f'<input type="hidden" name="querystring" value="{escape(BATTERIES_IN_JIANGSU)}">' in html
    assert '<label for="save-search-name">Name (optional)</label>' in html
    assert "csrfmiddlewaretoken" in html
