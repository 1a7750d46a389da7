"""Writers at the same moment, and a database locked for longer than a writer waits.

Eight people send inquiries at once through the page (a transaction that reads before it writes): every one is
saved, none gets a 500. A lock held past the timeout is a 503 saying to try again, with ``Retry-After``: the page in
the site's frame, JSON under ``/api/``. Nothing is half saved, and the same request goes through once the lock is
gone.

The requests run in threads of their own, each with its own connection, as a server's would. On SQLite they write to
a file holding a copy of the test database (the test database lives in memory, in a cache its connections share,
where SQLite's busy timeout does not apply); on PostgreSQL, to the test database, with a ``lock_timeout``.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test import Client
from rest_framework.test import APIClient

from listings.models import Inquiry
from tests.factories import OrganisationFactory, add_member, make_listing, university_in

pytestmark = pytest.mark.django_db(transaction=True)

INTENDED_USE = "用于我司动力电池产线的正极材料升级，预计年产 2000 吨。"
FORM = {"intended_use": INTENDED_USE, "budget": "10-50", "timeline": "3m"}


class ThreadsDatabase:
    """The database the requests made in other threads use, and a way to lock it from another connection."""

    def __init__(self, tmp_path, monkeypatch):
        self.path = tmp_path / "db.sqlite3" if connection.vendor == "sqlite" else None
        self.monkeypatch = monkeypatch

    def open(self, *, timeout: float | None = None) -> None:
        """Point the connections that threads open from now on at this database (call once the rows are made).

        ``timeout``: seconds a writer waits for a lock (SQLite's busy timeout, PostgreSQL's lock_timeout); the
        configured one (``DATABASES["default"]["OPTIONS"]``) when not given.
        """
        settings_dict = connections.settings["default"]
        options = dict(settings_dict.get("OPTIONS", {}))
        if self.path is not None:
            connection.ensure_connection()
            copy = sqlite3.connect(self.path)
            connection.connection.backup(copy)
            # In WAL, as the first connection of a running site leaves it (the configured init_command).
            copy.execute("PRAGMA journal_mode=WAL")
            copy.close()
            settings_dict = {**settings_dict, "NAME": str(self.path)}
            if timeout is not None:
                options["timeout"] = timeout
        elif timeout is not None:
            options["options"] = f"-c lock_timeout={int(timeout * 1000)}"
        self.monkeypatch.setitem(connections.settings, "default", {**settings_dict, "OPTIONS": options})

    def count(self, model) -> int:
        if self.path is None:
            return model.objects.count()
        with sqlite3.connect(self.path) as reader:
            return reader.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}").fetchone()[0]  # noqa: S608

    @contextmanager
    def write_locked(self, model):
        """Hold a write lock from another connection: SQLite's whole database, PostgreSQL's table of ``model``."""
        if self.path is None:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {model._meta.db_table} IN EXCLUSIVE MODE")
                yield
            return
        holder = sqlite3.connect(self.path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()


@pytest.fixture
def threads_database(tmp_path, monkeypatch):
    return ThreadsDatabase(tmp_path, monkeypatch)


def in_thread(call):
    """``call()`` in a thread of its own, with its own database connection, closed at the end; its result."""
    result = {}

    def run():
        try:
            result["value"] = call()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)
    return result["value"]


def signed_in(user, client_class=Client):
    client = client_class(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_eight_people_sending_inquiries_at_the_same_moment_all_get_through(threads_database, settings):
    settings.INQUIRY_DAILY_LIMIT = 100
    owner = university_in("330000", name_zh="浙江大学")
    listings = [make_listing(owner, status="published", title_zh=f"正极材料制备技术{i}") for i in range(15)]
    clients = [signed_in(add_member(OrganisationFactory())) for _ in range(8)]
    threads_database.open()
    start = threading.Barrier(len(clients))
    statuses: list[int] = []
    failures: list[BaseException] = []

    def send(client):
        try:
            for listing in listings:
                # All eight begin each round together, so their transactions overlap.
                start.wait(timeout=30)
                statuses.append(client.post(f"/en/listings/{listing.pk}/inquire/", FORM).status_code)
        except Exception as error:
            failures.append(error)
            start.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not failures
    assert sorted(set(statuses)) == [302], {status: statuses.count(status) for status in set(statuses)}
    assert len(statuses) == 120
    assert threads_database.count(Inquiry) == 120


@pytest.fixture
def asking():
    """A published listing and a signed-in person of a firm who may ask about it."""
    listing = make_listing(university_in("330000", name_zh="浙江大学"), status="published")
    return listing, add_member(OrganisationFactory(name_zh="宁波新材料科技有限公司"))


def test_a_lock_held_past_the_timeout_is_a_503_page_saying_to_try_again(threads_database, asking):
    listing, sender = asking
    client = signed_in(sender)
    threads_database.open(timeout=0.2)

    with threads_database.write_locked(Inquiry):
        response = in_thread(lambda: client.post(f"/en/listings/{listing.pk}/inquire/", FORM))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert 'class="site-header"' in page  # the site's frame
    assert "The site is busy" in page
    assert "Please try again in a few seconds." in page
    assert threads_database.count(Inquiry) == 0
    # The lock gone, the same request goes through.
    response = in_thread(lambda: client.post(f"/en/listings/{listing.pk}/inquire/", FORM))
    assert response.status_code == 302
    assert threads_database.count(Inquiry) == 1


def test_the_503_page_is_in_the_language_of_the_address(threads_database, asking):
    listing, sender = asking
    client = signed_in(sender)
    threads_database.open(timeout=0.2)

    with threads_database.write_locked(Inquiry):
        response = in_thread(lambda: client.post(f"/listings/{listing.pk}/inquire/", FORM))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert '<html lang="zh-hans">' in response.content.decode()


def test_a_lock_held_past_the_timeout_is_a_json_503_from_the_api(threads_database, asking):
    listing, sender = asking
    api = APIClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(sender)
    body = {"listing": listing.pk, **FORM}
    threads_database.open(timeout=0.2)

    with threads_database.write_locked(Inquiry):
        response = in_thread(lambda: api.post("/api/v1/inquiries/", body, format="json"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The site is busy at the moment and could not finish your request. Please try again in a few seconds."
    }
    assert threads_database.count(Inquiry) == 0
    response = in_thread(lambda: api.post("/api/v1/inquiries/", body, format="json"))
    assert response.status_code == 201
    assert threads_database.count(Inquiry) == 1


class LockedDatabaseMiddleware:
    """Meets a locked database outside any view, as the session middleware would saving a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("database is locked")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "content_type"), [("/en/listings/", "text/html; charset=utf-8"), ("/api/v1/regions/", "application/json")]
)
def test_a_lock_met_outside_a_view_is_a_503_too(settings, path, content_type):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_database_busy.LockedDatabaseMiddleware"]

    response = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en").get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"] == content_type
    assert b"try again in a few seconds" in response.content


@pytest.mark.django_db
def test_other_database_errors_stay_server_errors(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.test_database_busy.BrokenDatabaseMiddleware"]

    response = Client(raise_request_exception=False).get("/en/listings/")

    assert response.status_code == 500
    assert "Retry-After" not in response


class BrokenDatabaseMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("no such table: listings_listing")
