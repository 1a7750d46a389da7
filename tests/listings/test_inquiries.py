"""Inquiries: a firm asks about a listing, the owner side and the firm talk in a thread, either side closes it.

Services (who may, the rate limit, statuses, e-mails), then the pages as each kind
of visitor sees them, then the inbox's query count.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from listings.choices import InquiryStatus
from listings.exceptions import ListingError, RateLimited
from listings.models import Inquiry, InquiryMessage, Listing
from listings.services.inquiries import inquiry_close, inquiry_create, inquiry_reply
from listings.services.listings import listing_assign_broker
from listings.views import inquiries as inquiry_views
from techmarket.accounts.choices import MembershipRole, OrganisationKind
from techmarket.accounts.models import User
from techmarket.audit.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory, add_member, make_broker, make_listing, platform_staff_user
from tests.worlds import built_once

pytestmark = pytest.mark.django_db

INTENDED_USE = "用于我司动力电池产线的正极材料升级，预计年产 2000 吨。"


class World:
    """A published listing of 浙江大学 with an assigned broker, and one person of each kind."""

    def __init__(self, status="published"):
        self.owner = OrganisationFactory(
            kind=OrganisationKind.UNIVERSITY, name_zh="浙江大学", province="330000", city="330100"
        )
        self.listing = make_listing(self.owner, status=status, title_zh="高镍三元正极材料制备技术")
        self.broker = make_broker()
        listing_assign_broker(actor=None, listing=self.listing, broker=self.broker)
        self.listing.refresh_from_db()
        self.sme = OrganisationFactory(name_zh="宁波新材料科技有限公司")
        self.users = {
            "anonymous": None,
            "sme_member": add_member(self.sme),
            "owner_member": add_member(self.owner),
            "owner_admin": add_member(self.owner, role=MembershipRole.ADMIN),
            "other_university": add_member(
                OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="安徽大学", province="340000")
            ),
            "assigned_broker": self.broker.user,
            "unassigned_broker": make_broker().user,
            "moderator": platform_staff_user(),
        }

    def __getattr__(self, name):
        try:
            return self.__dict__["users"][name]
        except KeyError:
            raise AttributeError(name) from None

    def ask(self, user=None, listing=None, **fields):
        return inquiry_create(
            actor=user or self.sme_member,
            listing=listing or self.listing,
            **{"intended_use": INTENDED_USE, "budget": "50-100", "timeline": "6m", **fields},
        )


@pytest.fixture
def world():
    return World()


@pytest.fixture
def clock(monkeypatch):
    """A settable clock for everything that reads ``timezone.now()`` (the rate limit and ``auto_now_add``)."""

    class Clock:
        now = timezone.now().replace(microsecond=0)

        def advance(self, **delta):
            self.now += datetime.timedelta(**delta)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


# Sending ----------------------------------------------------------------------------------------------------------


def test_a_firm_sends_an_inquiry_and_the_owner_side_is_told(world, mailoutbox, django_capture_on_commit_callbacks):
    creator = world.owner_member
    Listing.objects.filter(pk=world.listing.pk).update(created_by=creator)
    with django_capture_on_commit_callbacks(execute=True):
        inquiry = world.ask(intended_use=f'  {INTENDED_USE} "A&B" 型号  ')
    assert inquiry.status == InquiryStatus.OPEN
    assert inquiry.sender == world.sme_member and inquiry.organisation == world.sme
    assert inquiry.intended_use == f'{INTENDED_USE} "A&B" 型号'
    assert not inquiry.messages.exists()  # the intended use is the opening message
    event = AuditEvent.objects.for_object(inquiry).get()
    assert (event.action, event.actor) == ("inquiry.create", world.sme_member)
    # The administrators, the listing's creator and the assigned broker; not every member of the university.
    [mail] = mailoutbox
    assert sorted(mail.to) == sorted([world.owner_admin.email, creator.email, world.broker.user.email])
    assert "高镍三元正极材料制备技术" in mail.subject
    assert '"A&B" 型号' in mail.body and "宁波新材料科技有限公司" in mail.body
    assert inquiry.get_absolute_url() in mail.body


def test_a_member_who_created_the_listing_but_left_is_not_mailed(world, mailoutbox, django_capture_on_commit_callbacks):
    former = add_member(world.owner, status="pending")  # asked to join again, not active
    Listing.objects.filter(pk=world.listing.pk).update(created_by=former)
    with django_capture_on_commit_callbacks(execute=True):
        world.ask()
    assert sorted(mailoutbox[0].to) == sorted([world.owner_admin.email, world.broker.user.email])


def test_the_sender_acts_for_their_first_organisation_or_none():
    world = World()
    loner = UserFactory()
    assert world.ask(loner).organisation is None
    firm = OrganisationFactory()
    person = add_member(firm)
    add_member(OrganisationFactory(), person)
    assert world.ask(person).organisation == firm


@pytest.mark.parametrize("role", ["owner_member", "owner_admin", "assigned_broker"])
def test_the_owner_side_cannot_inquire_about_its_own_listing(world, role):
    with pytest.raises(PermissionDenied):
        world.ask(world.users[role])
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("status", ["draft", "submitted", "suspended", "withdrawn", "closed"])
def test_only_published_listings_take_inquiries(status):
    world = World(status)
    with pytest.raises(PermissionDenied):
        world.ask()
    assert not Inquiry.objects.exists()


def test_anonymous_visitors_cannot_inquire(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        world.ask(AnonymousUser())


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"intended_use": "   "}, "intended_use"), ({"budget": "lots"}, "budget"), ({"timeline": "soon"}, "timeline")],
)
def test_bad_input_is_refused_and_nothing_is_written(world, fields, field, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError) as caught:
        world.ask(**fields)
    assert field in caught.value.message_dict
    assert not Inquiry.objects.exists() and not AuditEvent.objects.filter(action="inquiry.create").exists()
    assert callbacks == []  # no e-mail queued


def test_one_ongoing_inquiry_per_listing_until_it_is_closed(world):
    first = world.ask()
    with pytest.raises(ValidationError) as caught:
        world.ask()
    assert "已有进行中的询价" in caught.value.messages[0]
    inquiry_reply(actor=world.owner_member, inquiry=first, body="您好，可以详谈。")
    with pytest.raises(ValidationError):  # answered is still ongoing
        world.ask()
    assert Inquiry.objects.count() == 1
    inquiry_close(actor=world.sme_member, inquiry=first)
    second = world.ask()
    assert second.pk != first.pk and second.status == InquiryStatus.OPEN
    # Others may still ask about the same listing.
    assert world.ask(world.other_university).status == InquiryStatus.OPEN


def test_the_daily_limit_counts_a_rolling_24_hours(world, settings, clock):
    settings.INQUIRY_DAILY_LIMIT = 3
    listings = [make_listing(world.owner, status="published", title_zh=f"成果{n}") for n in range(5)]
    start = clock.now
    for hours, listing in enumerate(listings[:3]):
        clock.now = start + datetime.timedelta(hours=hours)
        world.ask(listing=listing)
    clock.now = start + datetime.timedelta(hours=24, seconds=-1)
    with pytest.raises(RateLimited) as caught:
        world.ask(listing=listings[3])
    # The first of the three leaves the window 24 hours after it was sent: the message says when.
    when = date_format(timezone.localtime(start + datetime.timedelta(hours=24)), "Y-m-d H:i")
    assert when in str(caught.value) and "3" in str(caught.value)
    assert Inquiry.objects.count() == 3
    clock.now = start + datetime.timedelta(hours=24)
    world.ask(listing=listings[3])
    with pytest.raises(RateLimited):  # three again in the last 24 hours: +1 h, +2 h, +24 h
        world.ask(listing=listings[4])
    # Closing does not give the day's inquiries back, and the limit is per person.
    assert world.ask(world.other_university, listing=listings[4]).pk


# Replies and statuses ---------------------------------------------------------------------------------------------


def test_answers_and_follow_ups_move_the_status(world, clock):
    inquiry = world.ask()
    sent_at = inquiry.last_message_at
    clock.advance(hours=2)
    message = inquiry_reply(actor=world.owner_member, inquiry=inquiry, body="  欢迎来校考察。 ")
    inquiry.refresh_from_db()
    assert (message.body, message.author) == ("欢迎来校考察。", world.owner_member)
    assert inquiry.status == InquiryStatus.ANSWERED and inquiry.last_message_at == sent_at + datetime.timedelta(hours=2)
    clock.advance(hours=1)
    inquiry_reply(actor=world.sme_member, inquiry=inquiry, body="请问许可费用可否分期？")
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.OPEN and inquiry.last_message_at == sent_at + datetime.timedelta(hours=3)
    inquiry_reply(actor=world.assigned_broker, inquiry=inquiry, body="可以按先使用后付费方式。")
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED
    assert list(AuditEvent.objects.for_object(inquiry).values_list("action", flat=True)).count("inquiry.reply") == 3


@pytest.mark.parametrize("role", ["other_university", "unassigned_broker", "moderator"])
def test_people_outside_the_thread_cannot_reply_or_close(world, role):
    inquiry = world.ask()
    with pytest.raises(PermissionDenied):
        inquiry_reply(actor=world.users[role], inquiry=inquiry, body="插一句")
    with pytest.raises(PermissionDenied):
        inquiry_close(actor=world.users[role], inquiry=inquiry)
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.OPEN and not inquiry.messages.exists()


def test_an_empty_reply_is_refused(world):
    inquiry = world.ask()
    with pytest.raises(ValidationError) as caught:
        inquiry_reply(actor=world.owner_member, inquiry=inquiry, body="  \n ")
    assert "body" in caught.value.message_dict
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.OPEN and not inquiry.messages.exists()


@pytest.mark.parametrize("closer", ["sme_member", "owner_admin", "assigned_broker"])
def test_any_party_closes_and_a_closed_thread_takes_no_replies(world, closer):
    inquiry = world.ask()
    inquiry_close(actor=world.users[closer], inquiry=inquiry)
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.CLOSED
    assert AuditEvent.objects.for_object(inquiry).filter(action="inquiry.close", actor=world.users[closer]).exists()
    with pytest.raises(ListingError, match="已关闭"):
        inquiry_reply(actor=world.sme_member, inquiry=inquiry, body="还在吗？")
    with pytest.raises(ListingError, match="已经关闭"):
        inquiry_close(actor=world.owner_member, inquiry=inquiry)
    assert not InquiryMessage.objects.exists()


def test_a_reply_is_mailed_to_the_other_side(world, mailoutbox, django_capture_on_commit_callbacks):
    inquiry = world.ask()
    with django_capture_on_commit_callbacks(execute=True):
        inquiry_reply(actor=world.owner_member, inquiry=inquiry, body="可以提供样品 <测试>。")
    assert mailoutbox[-1].to == [world.sme_member.email]
    assert "可以提供样品 <测试>。" in mailoutbox[-1].body and "高镍三元正极材料制备技术" in mailoutbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        inquiry_reply(actor=world.sme_member, inquiry=inquiry, body="样品何时可寄出？")
    assert sorted(mailoutbox[-1].to) == sorted([world.owner_admin.email, world.broker.user.email])
    with django_capture_on_commit_callbacks(execute=True):
        inquiry_reply(actor=world.assigned_broker, inquiry=inquiry, body="下周寄出。")
    assert mailoutbox[-1].to == [world.sme_member.email]
    assert len(mailoutbox) == 3
    # An administrator's own reply is not mailed back to them.
    with django_capture_on_commit_callbacks(execute=True):
        inquiry_reply(actor=world.sme_member, inquiry=inquiry, body="好的。")
        inquiry_reply(actor=world.owner_admin, inquiry=inquiry, body="收到。")
    assert mailoutbox[-1].to == [world.sme_member.email] and len(mailoutbox) == 5


def test_a_refused_reply_sends_no_mail(world, django_capture_on_commit_callbacks):
    inquiry = world.ask()
    inquiry_close(actor=world.sme_member, inquiry=inquiry)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ListingError):
        inquiry_reply(actor=world.owner_member, inquiry=inquiry, body="抱歉回复晚了。")
    assert callbacks == []


# Pages: who gets what ---------------------------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "sme_member",
    "owner_member",
    "owner_admin",
    "other_university",
    "assigned_broker",
    "unassigned_broker",
    "moderator",
]
LOGIN = "login"


def _row(*statuses):
    return dict(zip(ROLES, statuses, strict=True))


# (page, listing status, expected per role). The SME member is the sender of the inquiry the thread pages show.
MATRIX = [
    ("form", "published", _row(LOGIN, 200, 403, 403, 200, 403, 200, 200)),
    ("form", "draft", _row(LOGIN, 404, 403, 403, 404, 403, 404, 403)),
    ("form", "closed", _row(LOGIN, 403, 403, 403, 403, 403, 403, 403)),
    ("send", "published", _row(LOGIN, 302, 403, 403, 302, 403, 302, 302)),
    ("inbox", "published", _row(LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    ("thread", "published", _row(LOGIN, 200, 200, 200, 404, 200, 404, 404)),
    ("reply", "published", _row(LOGIN, 302, 302, 302, 404, 302, 404, 404)),
    ("close", "published", _row(LOGIN, 302, 302, 302, 404, 302, 404, 404)),
]


def _request(client, page, listing, inquiry):
    form_url = reverse("listings:inquiry_create", args=[listing.pk])
    form_data = {"intended_use": INTENDED_USE, "budget": "10-50", "timeline": "3m"}
    if page == "form":
        return client.get(form_url)
    if page == "send":
        return client.post(form_url, form_data)
    if page == "inbox":
        return client.get(reverse("listings:inquiry_inbox"))
    if page == "thread":
        return client.get(inquiry.get_absolute_url())
    if page == "reply":
        return client.post(inquiry.get_absolute_url(), {"body": "您好"})
    return client.post(reverse("listings:inquiry_close", args=[inquiry.pk]))


THREAD_PAGES = ("thread", "reply", "close")  # they show the SME member's inquiry; the form pages must not have one


def _matrix_key(page: str, status: str) -> tuple[str, bool]:
    return status, page in THREAD_PAGES


def _matrix_listing(world: World, status: str, *, asked: bool):
    """A listing of the world's owner for the matrix, taken to ``status`` from published, and the SME member's
    inquiry about it when ``asked``."""
    from listings.services.listings import listing_transition

    if status == "published" and not asked:
        listing = world.listing
    else:
        listing = make_listing(world.owner, status="published", title_zh="高镍三元正极材料制备技术")
        listing_assign_broker(actor=None, listing=listing, broker=world.broker)
    inquiry = world.ask(listing=listing) if asked else None
    if status != "published":
        name = {"draft": "withdraw", "closed": "close"}[status]
        listing = listing_transition(actor=None, listing=listing, name=name)
        if status == "draft":
            listing = listing_transition(actor=None, listing=listing, name="reopen")
    return listing, inquiry


class TestPermissionMatrix:
    """One world for the class: the people of ``World`` and a listing for each (status, asked) key of the matrix.

    Each case runs in its own savepoint (what it sends, replies or closes is gone before the next case) and
    fetches its listing, inquiry and user afresh.
    """

    @pytest.fixture(scope="class")
    @classmethod
    def matrix_world(cls, django_db_setup, django_db_blocker):
        with built_once(django_db_blocker):
            world = World("published")
            listings, inquiries = {}, {}
            for key in dict.fromkeys(_matrix_key(page, status) for page, status, _expected in MATRIX):
                listing, inquiry = _matrix_listing(world, key[0], asked=key[1])
                listings[key], inquiries[key] = listing.pk, inquiry and inquiry.pk
            yield listings, inquiries, {role: user and user.pk for role, user in world.users.items()}

    @pytest.mark.parametrize(("page", "status", "expected"), MATRIX)
    @pytest.mark.parametrize("role", ROLES)
    def test_permission_matrix(self, matrix_world, client, page, status, expected, role):
        listing_pks, inquiry_pks, user_pks = matrix_world
        key = _matrix_key(page, status)
        listing = Listing.objects.get(pk=listing_pks[key])
        inquiry = inquiry_pks[key] and Inquiry.objects.get(pk=inquiry_pks[key])
        if user_pks[role]:
            client.force_login(User.objects.get(pk=user_pks[role]))
        response = _request(client, page, listing, inquiry)
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
        else:
            assert response.status_code == want, f"{role} {page} {status}"
            if want == 302:
                assert response["Location"].startswith(reverse("listings:inquiry_inbox"))


def test_the_form_sends_the_inquiry_and_opens_the_thread(client, world):
    client.force_login(world.sme_member)
    url = reverse("listings:inquiry_create", args=[world.listing.pk])
    page = client.get(url).content.decode()
    assert (
        'name="intended_use"' in page and '<label for="id_intended_use"' in page and "高镍三元正极材料制备技术" in page
    )
    response = client.post(url, {"intended_use": INTENDED_USE, "budget": "10-50", "timeline": "3m"}, follow=True)
    inquiry = Inquiry.objects.get()
    assert response.redirect_chain[-1][0] == inquiry.get_absolute_url()
    page = response.content.decode()
    assert INTENDED_USE in page and "浙江大学" in page and 'class="message message-success"' in page
    # Asking again leads to the ongoing thread instead of a second one.
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == inquiry.get_absolute_url()


def test_a_bad_form_is_a_400_with_messages_and_writes_nothing(client, world):
    client.force_login(world.sme_member)
    url = reverse("listings:inquiry_create", args=[world.listing.pk])
    response = client.post(url, {"intended_use": "", "budget": "lots", "timeline": "3m"})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="errorlist"') == 2 and 'class="message message-error"' in page
    assert not Inquiry.objects.exists()


def test_a_rate_limited_sender_is_told_when_to_try_again(client, world, settings):
    settings.INQUIRY_DAILY_LIMIT = 1
    other = make_listing(world.owner, status="published", title_zh="另一项成果")
    first = world.ask(listing=other)
    client.force_login(world.sme_member)
    response = client.post(
        reverse("listings:inquiry_create", args=[world.listing.pk]),
        {"intended_use": INTENDED_USE, "budget": "10-50", "timeline": "3m"},
    )
    assert response.status_code == 429
    when = date_format(timezone.localtime(first.created_at + datetime.timedelta(hours=24)), "Y-m-d H:i")
    page = response.content.decode()
    assert when in page and 'class="message message-error"' in page and INTENDED_USE in page  # the text is kept
    assert Inquiry.objects.count() == 1


def test_the_listing_page_invites_each_visitor_as_fits(client, world):
    url = world.listing.get_absolute_url()
    form_url = reverse("listings:inquiry_create", args=[world.listing.pk])
    page = client.get(url).content.decode()
    assert 'id="inquiry-box-heading"' in page and f'login/?next={form_url}"' in page
    client.force_login(world.sme_member)
    page = client.get(url).content.decode()
    assert f'href="{form_url}"' in page
    client.force_login(world.owner_member)
    assert 'id="inquiry-box-heading"' not in client.get(url).content.decode()


def test_a_firm_with_an_ongoing_inquiry_is_taken_back_to_it(client, world):
    inquiry = world.ask()
    client.force_login(world.sme_member)
    page = client.get(world.listing.get_absolute_url()).content.decode()
    assert f'<a class="button" href="{inquiry.get_absolute_url()}">继续询价</a>' in page
    assert reverse("listings:inquiry_create", args=[world.listing.pk]) not in page
    inquiry_close(actor=world.sme_member, inquiry=inquiry)
    page = client.get(world.listing.get_absolute_url()).content.decode()
    assert "继续询价" not in page
    assert f'href="{reverse("listings:inquiry_create", args=[world.listing.pk])}"' in page


def test_the_thread_shows_the_messages_and_takes_replies(client, world):
    inquiry = world.ask()
    inquiry_reply(actor=world.assigned_broker, inquiry=inquiry, body="我是本项目的技术经理人。")
    client.force_login(world.owner_member)
    page = client.get(inquiry.get_absolute_url()).content.decode()
    assert INTENDED_USE in page and "我是本项目的技术经理人。" in page and "thread-broker" in page
    assert world.sme_member.email in page  # the owner side may write to the sender directly
    response = client.post(inquiry.get_absolute_url(), {"body": "欢迎来校面谈。"}, follow=True)
    page = response.content.decode()
    assert "欢迎来校面谈。" in page and "thread-owner" in page and 'class="message message-success"' in page
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED
    response = client.post(inquiry.get_absolute_url(), {"body": ""})
    assert response.status_code == 400 and inquiry.messages.count() == 2


def test_a_closed_thread_shows_no_reply_form_and_refuses_posts(client, world):
    inquiry = world.ask()
    client.force_login(world.sme_member)
    response = client.post(reverse("listings:inquiry_close", args=[inquiry.pk]), follow=True)
    page = response.content.decode()
    assert 'data-test="inquiry-closed"' in page and 'name="body"' not in page
    response = client.post(inquiry.get_absolute_url(), {"body": "再问一句"}, follow=True)
    assert 'class="message message-error"' in response.content.decode()
    assert not inquiry.messages.exists()
    response = client.get(reverse("listings:inquiry_close", args=[inquiry.pk]))
    assert response.status_code == 405


# The inbox --------------------------------------------------------------------------------------------------------


def test_the_inbox_has_a_received_and_a_sent_box(client, world):
    inquiry = world.ask()
    other_owner = OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="东南大学", province="320000")
    elsewhere = world.ask(listing=make_listing(other_owner, status="published", title_zh="别人的成果"))
    url = reverse("listings:inquiry_inbox")
    for role in ("owner_member", "owner_admin", "assigned_broker"):
        client.force_login(world.users[role])
        page = client.get(url).content.decode()  # the received box by default: they have listings
        assert inquiry.get_absolute_url() in page and elsewhere.get_absolute_url() not in page, role
    client.force_login(world.sme_member)
    page = client.get(url).content.decode()  # the sent box by default: no listings of their own
    assert inquiry.get_absolute_url() in page and elsewhere.get_absolute_url() in page
    assert "宁波新材料科技有限公司" not in page and "浙江大学" in page  # the sent box names the owner
    assert "高镍三元正极材料制备技术" not in client.get(url, {"box": "received"}).content.decode()
    client.force_login(world.unassigned_broker)
    assert inquiry.get_absolute_url() not in client.get(url, {"box": "received"}).content.decode()


def test_the_inbox_filters_by_status_paginates_and_has_empty_states(client, world, monkeypatch):
    monkeypatch.setattr(inquiry_views, "PAGE_SIZE", 2)
    asked = [world.ask(user=add_member(OrganisationFactory())) for _ in range(3)]
    inquiry_reply(actor=world.owner_member, inquiry=asked[0], body="已回复")
    inquiry_close(actor=world.owner_member, inquiry=asked[1])
    url = reverse("listings:inquiry_inbox")
    client.force_login(world.owner_member)
    for status, shown in [("answered", asked[0]), ("closed", asked[1]), ("open", asked[2])]:
        page = client.get(url, {"box": "received", "status": status}).content.decode()
        assert [a for a in asked if a.get_absolute_url() in page] == [shown], status
    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert first.count("<tr>") - 1 == 2 and second.count("<tr>") - 1 == 1  # a header row and the inquiries
    assert "box=received&amp;page=2" in first
    # Nothing with a status, nothing received, nothing sent: each says so.
    inquiry_close(actor=world.owner_member, inquiry=asked[0])
    inquiry_close(actor=world.owner_member, inquiry=asked[2])
    assert 'class="empty-state"' in client.get(url, {"status": "open"}).content.decode()
    client.force_login(world.other_university)
    page = client.get(url).content.decode()
    assert 'class="empty-state"' in page and reverse("listings:listing_list") in page
    # A filter it does not understand is ignored with a notice, not an error.
    response = client.get(url, {"status": "bogus", "box": "nowhere", "page": "x"})
    assert response.status_code == 200 and 'class="message message-warning"' in response.content.decode()


def test_inbox_and_thread_queries_do_not_grow_with_their_length(client, world, django_assert_max_num_queries):
    first = world.ask()
    inquiry_reply(actor=world.owner_member, inquiry=first, body="回复")
    url = reverse("listings:inquiry_inbox")
    client.force_login(world.owner_member)
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(20) as thread_few:
        assert client.get(first.get_absolute_url()).status_code == 200
    for _ in range(8):
        inquiry = world.ask(user=add_member(OrganisationFactory()))
        inquiry_reply(actor=world.owner_member, inquiry=inquiry, body="回复")
        inquiry_reply(actor=world.assigned_broker, inquiry=inquiry, body="补充")
    for _ in range(6):
        inquiry_reply(actor=world.sme_member, inquiry=first, body="追问")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("<tr>") - 1 == 9
    with django_assert_max_num_queries(len(thread_few.captured_queries)):
        page = client.get(first.get_absolute_url()).content.decode()
    assert page.count("thread-message") == 8
