"""Creating listings and moving them through the workflow: the rules, the audit log and the e-mails."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from listings.choices import TRANSITIONS, ListingStatus
from listings.exceptions import ListingError
from listings.models import Listing
from listings.services import listings as services
from listings.services.listings import Term
from techmarket.accounts.choices import MembershipRole, OrganisationKind
from techmarket.audit.models import AuditEvent
from techmarket.regions.models import TechnologyField
from tests.factories import OrganisationFactory, add_member, make_listing, make_patent, platform_staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def university():
    return OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="南京大学", province="320000", city="320100")


@pytest.fixture
def member(university):
    return add_member(university)


@pytest.fixture
def admin(university):
    return add_member(university, role=MembershipRole.ADMIN)


@pytest.fixture
def moderator():
    return platform_staff_user()


def _create(actor, organisation, **overrides):
    fields = {
        "kind": "patent",
        "title_zh": "一种固态电解质薄膜的制备方法",
        "summary_zh": "在室温下制备高离子电导率的固态电解质薄膜。",
        "field": TechnologyField.objects.get(slug="new-energy"),
        "trl": 5,
        "contact_name": "陈老师",
        "contact_email": "chen@nju.example.cn",
    }
    fields.update(overrides)
    patents = fields.pop("patents", None)
    if patents is None:
        patents = [make_patent(organisation)]
    terms = fields.pop("terms", [Term("assignment", Decimal("500000"))])
    return services.listing_create(actor=actor, organisation=organisation, terms=terms, patents=patents, **fields)


def test_a_member_creates_a_draft_that_takes_the_organisations_province(member, university):
    listing = _create(member, university)
    assert listing.status == ListingStatus.DRAFT
    assert (listing.province, listing.city) == ("320000", "320100")
    assert listing.ipc_codes == ["H01M 10/0525"]
    assert [(t.mode, t.price) for t in listing.deal_terms.all()] == [("assignment", Decimal("500000.00"))]
    assert AuditEvent.objects.for_object(listing).get().action == "listing.create"


def test_only_members_of_verified_suppliers_create_listings(university):
    with pytest.raises(PermissionDenied):
        _create(add_member(OrganisationFactory()), university)
    firm = OrganisationFactory()  # an enterprise
    with pytest.raises(PermissionDenied):
        _create(add_member(firm), firm)
    assert not Listing.objects.exists()


def test_a_patent_the_organisation_does_not_hold_is_refused(member, university):
    someone_elses = make_patent(OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="东南大学"))
    with pytest.raises(ValidationError) as caught:
        _create(member, university, patents=[someone_elses])
    message = caught.value.message_dict["patents"][0]
    assert someone_elses.application_number in message and "南京大学" in message
    assert not Listing.objects.exists()


def test_a_co_held_patent_may_be_listed(member, university):
    partner = OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="东南大学")
    assert _create(member, university, patents=[make_patent(university, partner)], co_owner_consent=True).pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"patents": []}, "patents", "exactly one patent"),
        ({"kind": "portfolio"}, "patents", "at least two patents"),
        ({"terms": []}, "deal_terms", "at least one way"),
        ({"kind": "software", "patents": [], "terms": [Term("open_licence")]}, "deal_terms", "patents only"),
        ({"terms": [Term("open_licence"), Term("exclusive_licence")]}, "deal_terms", "exclusive or sole"),
        ({"terms": [Term("assignment", Decimal("-1"))]}, "deal_terms", "greater than or equal to 0"),
        ({"trl": 10}, "trl", "10"),
        ({"contact_email": ""}, "contact_email", "mobile number or an e-mail"),
    ],
)
def test_listing_rules(member, university, overrides, field, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        _create(member, university, **overrides)
    assert message in " ".join(caught.value.message_dict[field])
    assert not Listing.objects.exists()


def test_the_journey_submit_approve_with_mail(
    member, admin, moderator, university, mailoutbox, django_capture_on_commit_callbacks
):
    listing = _create(member, university)
    with django_capture_on_commit_callbacks(execute=True):
        listing = services.listing_transition(actor=member, listing=listing, name="submit")
    assert listing.status == ListingStatus.SUBMITTED and listing.submitted_at
    assert [m.to for m in mailoutbox] == [[moderator.email]]
    with django_capture_on_commit_callbacks(execute=True):
        listing = services.listing_transition(actor=moderator, listing=listing, name="approve")
    assert listing.status == ListingStatus.PUBLISHED and listing.published_at
    assert sorted(mailoutbox[1].to) == sorted([admin.email, member.email])
    assert "已发布" in mailoutbox[1].subject
    actions = list(AuditEvent.objects.for_object(listing).order_by("id").values_list("action", flat=True))
    assert actions == ["listing.create", "listing.submit", "listing.approve"]


def test_rejection_needs_a_reason_and_mails_it(
    admin, moderator, university, mailoutbox, django_capture_on_commit_callbacks
):
    listing = make_listing(university, status="submitted")
    with pytest.raises(ValidationError):
        services.listing_transition(actor=moderator, listing=listing, name="reject", reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        listing = services.listing_transition(
            actor=moderator, listing=listing, name="reject", reason="摘要包含未公开的工艺参数，请删除后重新提交。"
        )
    assert listing.status == ListingStatus.DRAFT
    assert listing.moderation_note.startswith("摘要包含")
    assert mailoutbox[-1].to == [admin.email]
    assert "摘要包含未公开的工艺参数" in mailoutbox[-1].body


def test_transitions_outside_the_table_are_refused_with_a_message(member, moderator, university):
    listing = make_listing(university, status="published")
    with pytest.raises(ListingError, match="已发布"):
        services.listing_transition(actor=moderator, listing=listing, name="approve")
    with pytest.raises(ListingError):
        services.listing_transition(actor=moderator, listing=listing, name="no-such-thing")
    assert Listing.objects.get().status == ListingStatus.PUBLISHED


def test_who_takes_which_transition(member, admin, moderator, university):
    listing = make_listing(university, status="draft")
    with pytest.raises(PermissionDenied):
        services.listing_transition(actor=platform_staff_user(), listing=listing, name="submit")
    listing = services.listing_transition(actor=member, listing=listing, name="submit")
    with pytest.raises(PermissionDenied):
        services.listing_transition(actor=member, listing=listing, name="approve")  # owners cannot publish
    listing = services.listing_transition(actor=moderator, listing=listing, name="approve")
    with pytest.raises(PermissionDenied):
        services.listing_transition(actor=member, listing=listing, name="withdraw")  # administrators withdraw
    listing = services.listing_transition(actor=admin, listing=listing, name="withdraw")
    assert listing.status == ListingStatus.WITHDRAWN


def test_every_transition_in_the_table_is_reachable():
    targets = {t.target for t in TRANSITIONS.values()}
    sources = {s for t in TRANSITIONS.values() for s in t.sources}
    assert set(ListingStatus.values) - {ListingStatus.DRAFT} <= targets
    assert set(ListingStatus.values) - {ListingStatus.CLOSED} <= sources


def test_submitting_an_incomplete_draft_is_refused(member, university):
    listing = make_listing(university)
    Listing.objects.filter(pk=listing.pk).update(summary_zh="")
    with pytest.raises(ValidationError):
        services.listing_transition(actor=member, listing=listing, name="submit")
    assert Listing.objects.get().status == ListingStatus.DRAFT


def test_editing_is_audited_with_the_fields_changed(member, university):
    listing = make_listing(university)
    services.listing_update(actor=member, listing=listing, title_zh="新标题", trl=7)
    event = AuditEvent.objects.for_object(listing).filter(action="listing.update").get()
    assert set(event.data["fields"]) == {"title_zh", "trl"}


def test_a_listing_under_review_cannot_be_edited(member, university):
    listing = make_listing(university, status="submitted")
    with pytest.raises(PermissionDenied):
        services.listing_update(actor=member, listing=listing, title_zh="偷偷修改")


def test_assigning_a_broker_grants_and_moves_the_object_permission(admin, university):
    from tests.factories import make_broker

    listing = make_listing(university)
    first, second = make_broker(), make_broker()
    services.listing_assign_broker(actor=admin, listing=listing, broker=first)
    assert first.user.has_perm("listings.view_listing", listing)
    services.listing_assign_broker(actor=admin, listing=listing, broker=second)
    first.user = type(first.user).objects.get(pk=first.user.pk)  # a fresh user: permission caches are per object
    assert not first.user.has_perm("listings.view_listing", listing)
    assert second.user.has_perm("listings.view_listing", listing)
