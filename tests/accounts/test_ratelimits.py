"""Rate limits and the sign-in lockout: sign-in (the page and the API's basic authentication), sign-up, password
reset and API writes, refused with a 429 that says when to try again (``Retry-After``); the audit rows staff see.

Limits come from settings; each test that needs a small one sets it with the ``settings`` fixture. The counts live
in the database cache, so they go with each test's transaction (see the last two tests for transactional tests).
"""

import base64
import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from techmarket.accounts.models import User
from techmarket.audit.models import AuditEvent
from techmarket.ratelimit import Rate, client_ip, counter_add, counter_get, parse_rate
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"
ME = "/api/v1/me/"


@pytest.fixture
def owner():
    return UserFactory(email="li@example.cn", phone="13912345678", name="李明")


def sign_in(client, identifier, password, **extra):
    return client.post(reverse("accounts:login"), {"username": identifier, "password": password}, **extra)


def basic(identifier: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{identifier}:{password}".encode()).decode()


@pytest.fixture
def clock(monkeypatch):
    """Django's clock, settable: the counts, the locks and the database cache's expiry all read it."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def without_times(response) -> str:
    """The page without the times it names (two locks set a moment apart may end in different minutes)."""
    return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "", response.content.decode())


def assert_refused_for_now(response, most_seconds: int) -> None:
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= most_seconds


# Sign-in lockout ---------------------------------------------------------------------------------------------------


def test_fifty_wrong_passwords_on_the_page_do_not_let_the_right_one_in(
    client, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [sign_in(client, "li@example.cn", WRONG).status_code for _ in range(50)]
        response = sign_in(client, "li@example.cn", PASSWORD)

    # Nine plain refusals, then the account is locked (the tenth failure locks it) for 15 minutes.
    assert statuses == [200] * 9 + [429] * 41
    assert_refused_for_now(response, 15 * 60)
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert 'data-test="too-many-requests"' in page and "<nav" in page  # the site's own page, in its frame
    # The same page as for a wrong password while locked: nothing tells whether this one was right.
    locked_wrong = sign_in(client, "li@example.cn", WRONG)
    assert locked_wrong.status_code == 429
    assert without_times(locked_wrong) == without_times(response)
    # The owner is told once, whatever the number of tries.
    assert [message.to for message in mail.outbox] == [["li@example.cn"]]
    assert "/password-reset/" in mail.outbox[0].body
    # Staff see each failure, the lockout and each try while locked.
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["user.signin_failed"] * 10 + ["user.locked"] + ["user.signin_locked"] * 42


def test_fifty_wrong_passwords_on_the_api_do_not_let_the_right_one_in(owner, django_capture_on_commit_callbacks):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [api.get(ME, HTTP_AUTHORIZATION=basic("13912345678", WRONG)).status_code for _ in range(50)]
        response = api.get(ME, HTTP_AUTHORIZATION=basic("13912345678", PASSWORD))

    assert statuses == [403] * 9 + [429] * 41  # 403: session authentication comes first, so no 401
    assert_refused_for_now(response, 15 * 60)
    assert "locked" in response.json()["detail"]
    assert len(mail.outbox) == 1
    # The e-mail address and the mobile number are one account: locked by either.
    assert api.get(ME, HTTP_AUTHORIZATION=basic("li@example.cn", PASSWORD)).status_code == 429


def test_the_lock_ends_after_its_time_and_the_right_password_works_again(client, owner, clock):
    for _ in range(10):
        sign_in(client, "li@example.cn", WRONG)
    clock.advance(minutes=14)
    assert sign_in(client, "li@example.cn", PASSWORD).status_code == 429
    clock.advance(minutes=2)
    response = sign_in(client, "li@example.cn", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(owner.pk)


def test_a_successful_sign_in_starts_the_count_again(client, owner):
    for _ in range(9):
        sign_in(client, "li@example.cn", WRONG)
    assert sign_in(client, "li@example.cn", PASSWORD).status_code == 302
    client.logout()
    for _ in range(9):
        assert sign_in(client, "li@example.cn", WRONG).status_code == 200
    assert sign_in(client, "li@example.cn", PASSWORD).status_code == 302


def test_the_limits_are_settings(client, owner, settings):
    settings.LOGIN_LOCKOUT_FAILURES = 3
    settings.LOGIN_LOCKOUT_MINUTES = 5
    assert [sign_in(client, "li@example.cn", WRONG).status_code for _ in range(3)] == [200, 200, 429]
    assert_refused_for_now(sign_in(client, "li@example.cn", PASSWORD), 5 * 60)


def test_an_address_without_account_is_locked_alike_so_the_lock_tells_nothing(client, owner):
    for _ in range(10):
        sign_in(client, "li@example.cn", WRONG)
        sign_in(client, "nobody@example.cn", WRONG)
    taken = sign_in(client, "li@example.cn", WRONG)
    free = sign_in(client, "nobody@example.cn", WRONG)
    assert taken.status_code == free.status_code == 429
    assert without_times(taken) == without_times(free)


def test_a_new_password_by_the_reset_link_lifts_the_lock(client, owner):
    for _ in range(10):
        sign_in(client, "li@example.cn", WRONG)
    client.post(reverse("accounts:password_reset"), {"email": "li@example.cn"})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password-reset/" in line)
    form_url = client.get(link.split("testserver", 1)[-1].strip(), follow=True).redirect_chain[-1][0]
    new = "Another-Horse-77"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert sign_in(client, "li@example.cn", new).status_code == 302


def test_too_many_failures_from_one_address_are_refused_whatever_the_account(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "signin": {"ip": "3/h"}}
    people = [UserFactory(email=f"p{n}@example.cn") for n in range(4)]
    for person in people[:3]:
        assert sign_in(client, person.email, WRONG).status_code == 200
    # Even the right password of an account no one tried: the address is refused for the hour.
    response = sign_in(client, people[3].email, PASSWORD)
    assert_refused_for_now(response, 3600)
    assert SESSION_KEY not in client.session
    # Another address is not.
    assert sign_in(client, people[3].email, PASSWORD, REMOTE_ADDR="10.0.0.7").status_code == 302


def test_too_many_failures_from_one_address_are_refused_on_the_api(settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "signin": {"ip": "2/h"}}
    person = UserFactory(email="p@example.cn")
    api = APIClient()
    assert [api.get(ME, HTTP_AUTHORIZATION=basic(f"x{n}@example.cn", WRONG)).status_code for n in range(2)] == [403] * 2
    response = api.get(ME, HTTP_AUTHORIZATION=basic(person.email, PASSWORD))
    assert_refused_for_now(response, 3600)


# Sign-up, password reset, API writes --------------------------------------------------------------------------------


def signup_data(n: int) -> dict:
    return {
        "user-name": "王小明",
        "user-email": f"wang{n}@example.cn",
        "user-password1": "Correct-Horse-42",
        "user-password2": "Correct-Horse-42",
        "user-mode": "join",
        "user-join_credit_code": "",
    }


def test_sign_ups_from_one_address_are_limited(client, settings, organisation):
    settings.RATELIMITS = {**settings.RATELIMITS, "signup": {"ip": "2/h", "account": "5/d"}}
    url = reverse("accounts:signup")
    statuses = [
        client.post(url, {**signup_data(n), "user-join_credit_code": organisation.credit_code}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert User.objects.filter(email__startswith="wang").count() == 2


def test_password_reset_is_limited_per_address_asked_for_whether_it_has_an_account_or_not(client, owner, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "password_reset": {"ip": "100/h", "account": "2/h"}}
    url = reverse("accounts:password_reset")
    taken = [client.post(url, {"email": "li@example.cn"}).status_code for _ in range(3)]
    free = [client.post(url, {"email": "nobody@example.cn"}).status_code for _ in range(3)]
    assert taken == free == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_password_reset_is_limited_per_address_it_comes_from(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "password_reset": {"ip": "2/h", "account": "5/h"}}
    url = reverse("accounts:password_reset")
    statuses = [client.post(url, {"email": f"n{n}@example.cn"}).status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert_refused_for_now(client.post(url, {"email": "z@example.cn"}), 3600)


def test_api_writes_are_limited_per_account_and_reads_are_not(settings, user):
    settings.RATELIMITS = {**settings.RATELIMITS, "api_write": {"ip": "100/h", "account": "2/h"}}
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    statuses = [api.post("/api/v1/organisations/", {}, format="json").status_code for _ in range(3)]
    assert statuses == [400, 400, 429]
    response = api.post("/api/v1/organisations/", {}, format="json")
    assert_refused_for_now(response, 3600)
    assert "Try again after" in response.json()["detail"]
    assert api.get("/api/v1/organisations/").status_code == 200


def test_api_writes_are_limited_per_address(settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "api_write": {"ip": "2/h", "account": "100/h"}}
    api = APIClient()
    for _ in range(2):
        api.force_authenticate(UserFactory())
        assert api.post("/api/v1/organisations/", {}, format="json").status_code == 400
    api.force_authenticate(UserFactory())
    assert_refused_for_now(api.post("/api/v1/organisations/", {}, format="json"), 3600)


def test_a_forged_forwarded_for_header_does_not_make_a_new_address(client, settings):
    settings.RATELIMITS = {**settings.RATELIMITS, "signin": {"ip": "2/h"}}
    for n in range(2):
        sign_in(client, f"x{n}@example.cn", WRONG, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}")
    assert sign_in(client, "y@example.cn", WRONG, HTTP_X_FORWARDED_FOR="10.9.9.99").status_code == 429


def test_behind_our_proxies_the_client_is_the_address_the_outermost_one_saw(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(request) == "10.0.0.1"
    settings.CLIENT_IP_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what the client wrote before it (6.6.6.6) is not believed


@pytest.mark.parametrize(
    ("text", "rate"), [("20/h", Rate(20, 3600)), ("5/15m", Rate(5, 900)), ("100/d", Rate(100, 86400))]
)
def test_rates_are_read_from_their_written_form(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["20", "20/week", "/h", "many/h"])
def test_a_rate_that_cannot_be_read_stops_the_start(text):
    with pytest.raises(ImproperlyConfigured, match="20/h"):
        parse_rate(text)


# What staff see ------------------------------------------------------------------------------------------------------


def test_staff_filter_the_audit_log_for_failed_sign_ins_and_lockouts(client, owner):
    for _ in range(10):
        sign_in(client, "li@example.cn", WRONG)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:audit_auditevent_changelist")
    listing = client.get(url).content.decode()
    assert "?action=user.locked" in listing and "?action=user.signin_failed" in listing
    locked = client.get(url, {"action": "user.locked"})
    assert locked.status_code == 200
    assert locked.context["cl"].result_count == 1
    assert client.get(url, {"action": "user.signin_failed"}).context["cl"].result_count == 10


# The counts do not pass from one test to the next -------------------------------------------------------------------


def test_a_test_counts():
    counter_add(name="leak-check-rolled-back", seconds=3600)
    assert counter_get(name="leak-check-rolled-back")[0] == 1


def test_its_count_went_with_its_transaction():
    assert counter_get(name="leak-check-rolled-back")[0] == 0


# Both transactional: pytest-django runs those after the others, in file order. What a transactional test writes is
# committed, and its closing flush empties only the models' tables; tests/conftest.py empties the cache's after it.
@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_leaves_a_count_behind_it():
    counter_add(name="leak-check", seconds=3600)
    assert counter_get(name="leak-check")[0] == 1


@pytest.mark.django_db(transaction=True)
def test_the_next_test_does_not_find_it():
    assert counter_get(name="leak-check")[0] == 0
