"""Daily alerts of saved searches: the listings published after the search was saved that match it, each mailed
once, in one e-mail per saved search, with links to the search, the list of saved searches and a one-click
unsubscribe.

The e-mails render in the site's language; they are checked by what they carry (titles, links), not by their
sentences, which the Chinese catalogue translates.
"""

import io
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import translation

from listings.services import listings as listing_services
from search import alerts, saved_searches
from search.alerts import send_search_alerts
from search.backends import SearchUnavailable
from search.models import SavedSearch, SearchAlertSent
from search.tasks import send_search_alerts_task
from search.tokens import unsubscribe_token
from tests.factories import UserFactory, make_listing, make_patent, organisation_in
from tests.search.saved import disk_index, publish, reindex  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("disk_index")]

BATTERIES_IN_JIANGSU = urlencode({"q": "电池", "province": "320000"})


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.cn")


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One run of the daily alerts, with the e-mails it queues sent."""

    def run_alerts() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_search_alerts()

    return run_alerts


def save(user, querystring=BATTERIES_IN_JIANGSU, name="江苏电池"):
    return saved_searches.saved_search_create(user=user, querystring=querystring, name=name)


def url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def test_the_alert_mails_only_matching_listings_published_after_the_search_was_saved(alice, run, mailoutbox):
    old = publish("320000", title_zh="固态锂电池电解质")
    saved = save(alice)
    new = publish("320000", title_zh="钠离子电池负极材料")
    elsewhere = publish("310000", title_zh="废旧电池回收工艺")
    unrelated = publish("320000", title_zh="工业机器人精密减速器")
    university = organisation_in("320000")
    patent = make_patent(university, title="一种电池热管理系统")
    make_listing(university, status="submitted", patents=[patent], title_zh="电池热管理系统")  # not published
    reindex()

    assert run() == 1
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [alice.email]
    assert "江苏电池" in mail.subject
    assert "钠离子电池负极材料" in mail.body
    assert "江苏省" in mail.body
    assert url(new.get_absolute_url()) in mail.body
    for listing in (old, elsewhere, unrelated):
        assert listing.title_zh not in mail.body
    assert "电池热管理系统" not in mail.body
    assert url(f"/search/?{BATTERIES_IN_JIANGSU}") in mail.body
    assert url("/search/saved/") in mail.body
    unsubscribe = url(f"/search/saved/unsubscribe/{unsubscribe_token(saved)}/")
    assert unsubscribe in mail.body
    assert mail.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert set(SearchAlertSent.objects.values_list("saved_search", "listing")) == {(saved.pk, new.pk)}
    saved.refresh_from_db()
    assert saved.last_sent_at is not None


def test_several_new_listings_come_in_one_mail_newest_first(alice, run, mailoutbox):
    save(alice)
    first = publish(title_zh="钠离子电池负极材料")
    second = publish(title_zh="固态电池隔膜")
    reindex()
    assert run() == 1
    body = mailoutbox[0].body
    assert body.index(second.title_zh) < body.index(first.title_zh)


def test_a_second_run_sends_nothing_and_a_new_listing_exactly_one_more_mail(alice, run, mailoutbox):
    save(alice)
    first = publish(title_zh="钠离子电池负极材料")
    reindex()
    assert run() == 1

    assert run() == 0
    assert len(mailoutbox) == 1

    second = publish(title_zh="固态电池隔膜")
    reindex()
    assert run() == 1
    assert len(mailoutbox) == 2
    assert second.title_zh in mailoutbox[1].body
    assert first.title_zh not in mailoutbox[1].body
    assert SearchAlertSent.objects.count() == 2


def test_no_mail_without_new_matches(alice, run, mailoutbox):
    publish(title_zh="固态锂电池电解质")
    save(alice)
    publish(title_zh="工业机器人精密减速器")
    reindex()
    assert run() == 0
    assert mailoutbox == []
    assert not SearchAlertSent.objects.exists()


def test_an_unsubscribed_search_gets_nothing(alice, run, mailoutbox):
    saved = save(alice)
    saved_searches.saved_search_unsubscribe(saved_search=saved)
    publish(title_zh="钠离子电池负极材料")
    reindex()
    assert run() == 0
    assert mailoutbox == []


def test_alerts_turned_back_on_do_not_send_what_was_published_while_they_were_off(alice, run, mailoutbox):
    saved = save(alice)
    saved_searches.saved_search_unsubscribe(saved_search=saved)
    during = publish(title_zh="钠离子电池负极材料")
    saved_searches.saved_search_subscribe(saved_search=saved)
    after = publish(title_zh="固态电池隔膜")
    reindex()
    assert run() == 1
    assert after.title_zh in mailoutbox[0].body
    assert during.title_zh not in mailoutbox[0].body


def test_each_user_is_mailed_for_their_own_searches(alice, run, mailoutbox):
    bob = UserFactory(email="bob@example.cn")
    save(alice)
    save(bob, "q=机器人", name="机器人")
    publish(title_zh="钠离子电池负极材料")
    publish(title_zh="工业机器人精密减速器")
    reindex()
    assert run() == 2
    mails = {mail.to[0]: mail.body for mail in mailoutbox}
    assert "钠离子电池负极材料" in mails[alice.email] and "工业机器人" not in mails[alice.email]
    assert "工业机器人精密减速器" in mails[bob.email] and "钠离子" not in mails[bob.email]


def test_a_deactivated_user_is_not_mailed(alice, run, mailoutbox):
    save(alice)
    publish(title_zh="钠离子电池负极材料")
    reindex()
    alice.is_active = False
    alice.save()
    assert run() == 0


def test_a_listing_taken_down_since_it_was_indexed_is_not_mailed(alice, run, mailoutbox):
    save(alice)
    listing = publish(title_zh="钠离子电池负极材料")
    reindex()
    listing_services.listing_transition(actor=None, listing=listing, name="suspend", reason="测试")
    assert run() == 0
    assert not SearchAlertSent.objects.exists()


def test_when_the_backend_fails_the_database_answers(alice, run, mailoutbox, monkeypatch):
    class Broken:
        def search(self, query):
            raise SearchUnavailable("down")

    monkeypatch.setattr("search.searching.get_backend", Broken)
    save(alice)
    listing = publish(title_zh="钠离子电池负极材料")  # not even indexed
    assert run() == 1
    assert listing.title_zh in mailoutbox[0].body


def test_more_new_listings_than_one_mail_holds_come_the_next_day(alice, run, mailoutbox, monkeypatch):
    monkeypatch.setattr(alerts, "PAGE_SIZE", 2)
    save(alice)
    listings = [publish(title_zh=f"电池材料{number}") for number in range(3)]
    reindex()
    assert run() == 1
    assert run() == 1  # the oldest, passed over yesterday for the two newest
    assert run() == 0
    mailed = [[listing.title_zh in mail.body for listing in listings] for mail in mailoutbox]
    assert mailed == [[False, True, True], [True, False, False]]


def test_two_runs_at_once_mail_a_listing_once(alice, run, mailoutbox, monkeypatch):
    """The other run records and mails while this one is between its search and its record: this one then sends
    nothing."""
    save(alice)
    publish(title_zh="钠离子电池负极材料")
    reindex()
    original = alerts.new_matches
    raced = []

    def matches_then_the_other_run(saved_search):
        found = original(saved_search)
        if not raced:
            raced.append(True)
            assert send_search_alerts() == 1
        return found

    monkeypatch.setattr(alerts, "new_matches", matches_then_the_other_run)
    assert run() == 0
    assert len(mailoutbox) == 1
    assert SearchAlertSent.objects.count() == 1


def test_the_database_refuses_to_record_a_listing_twice_for_one_search(alice):
    saved = save(alice)
    listing = publish()
    SearchAlertSent.objects.create(saved_search=saved, listing=listing)
    with pytest.raises(IntegrityError), transaction.atomic():
        SearchAlertSent.objects.create(saved_search=saved, listing=listing)


def test_a_saved_search_that_no_longer_parses_is_skipped_and_the_others_sent(alice, run, mailoutbox):
    broken = save(alice, "q=机器人")
    SavedSearch.objects.filter(pk=broken.pk).update(querystring="province=999999")
    save(alice)
    publish(title_zh="钠离子电池负极材料")
    reindex()
    assert run() == 1
    assert "钠离子电池负极材料" in mailoutbox[0].body


def test_the_task_and_the_command_send_the_alerts_and_say_how_many(
    alice, mailoutbox, django_capture_on_commit_callbacks
):
    save(alice)
    publish(title_zh="钠离子电池负极材料")
    reindex()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        call_command("send_search_alerts", stdout=out)
    assert out.getvalue().strip() == "1 search alert e-mail sent."
    assert len(mailoutbox) == 1

    publish(title_zh="固态电池隔膜")
    reindex()
    with django_capture_on_commit_callbacks(execute=True):
        result = send_search_alerts_task.enqueue()
    assert result.return_value == 1
    assert len(mailoutbox) == 2

    out = io.StringIO()
    with translation.override("en"):
        call_command("send_search_alerts", stdout=out)
    assert out.getvalue().strip() == "0 search alert e-mails sent."
