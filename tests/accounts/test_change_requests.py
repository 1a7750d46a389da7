"""Change requests: a verified organisation's name, kind, credit code and place change only when platform staff
approve. Who may ask and decide, what approval applies and re-checks, what rejection leaves, the audit rows, the
e-mails, one pending request at a time, and the staff's queue and admin actions.

Messages are compared in English where they are new, so that the tests do not depend on the Chinese catalogue.
"""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from listings import permissions as listing_permissions
from techmarket.accounts import services
from techmarket.accounts.choices import ChangeRequestStatus, MembershipRole, OrganisationKind, VerificationStatus
from techmarket.accounts.exceptions import AccountsError, ChangeRequestPending
from techmarket.accounts.models import Organisation, OrganisationChangeRequest
from techmarket.audit.models import AuditEvent
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    add_member,
    make_credit_code,
    make_listing,
    platform_staff_user,
    university_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def enterprise():
    return OrganisationFactory(name_zh="苏州微澜新材料有限公司", kind=OrganisationKind.ENTERPRISE)


@pytest.fixture
def admin(enterprise):
    return add_member(enterprise, role=MembershipRole.ADMIN)


@pytest.fixture
def member(enterprise):
    return add_member(enterprise)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def ask(admin, organisation, **requested):
    return services.organisation_change_request(
        actor=admin, organisation=organisation, **(requested or {"name_zh": "清华大学", "kind": "university"})
    )


# Asking ---------------------------------------------------------------------------------------------------------


def test_update_diverts_protected_details_of_a_verified_organisation_and_saves_the_rest(enterprise, admin):
    result = services.organisation_update(
        actor=admin, organisation=enterprise, name_zh="清华大学", kind="university", website="https://a.example.cn"
    )

    assert result.saved == ("website",)
    assert result.change_request.changed_fields() == ["kind", "name_zh"]
    enterprise.refresh_from_db()
    assert (enterprise.name_zh, enterprise.kind, enterprise.website) == (
        "苏州微澜新材料有限公司",
        "enterprise",
        "https://a.example.cn",
    )
    assert enterprise.is_verified
    assert not listing_permissions.can_create_listing(admin, enterprise)


def test_update_with_the_same_protected_values_makes_no_request(enterprise, admin):
    result = services.organisation_update(
        actor=admin,
        organisation=enterprise,
        name_zh=enterprise.name_zh,
        credit_code=enterprise.credit_code.lower(),  # the same code, written differently
        description="简介",
    )
    assert result.change_request is None
    assert not OrganisationChangeRequest.objects.exists()


def test_a_request_is_audited_and_the_platform_staff_are_told(enterprise, admin, django_capture_on_commit_callbacks):
    staff = platform_staff_user()
    with django_capture_on_commit_callbacks(execute=True):
        change = ask(admin, enterprise)

    assert change.status == ChangeRequestStatus.PENDING
    assert change.requested_by == admin
    assert change.previous["name_zh"] == "苏州微澜新材料有限公司"
    event = AuditEvent.objects.for_object(enterprise).get(action="organisation.change_request")
    assert event.actor == admin
    assert event.data["changes"] == {
        "kind": ["enterprise", "university"],
        "name_zh": ["苏州微澜新材料有限公司", "清华大学"],
    }
    message = mail.outbox[-1]
    assert message.to == [staff.email]
    assert "苏州微澜新材料有限公司" in message.subject
    assert "苏州微澜新材料有限公司 → 清华大学" in message.body
    assert "/organisations/review/" in message.body


def test_a_member_who_is_not_an_admin_cannot_ask(enterprise, member):
    with pytest.raises(PermissionDenied):
        ask(member, enterprise)
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=member, organisation=enterprise, name_zh="清华大学")
    assert not OrganisationChangeRequest.objects.exists()


def test_one_pending_request_at_a_time(enterprise, admin, english):
    first = ask(admin, enterprise)

    with pytest.raises(ChangeRequestPending, match="still awaiting the platform staff"):
        ask(admin, enterprise, name_en="Tsinghua")
    with pytest.raises(ChangeRequestPending):
        services.organisation_update(actor=admin, organisation=enterprise, name_en="Tsinghua", website="https://b.cn")
    enterprise.refresh_from_db()
    assert enterprise.website == ""  # refused as a whole: nothing saved
    assert list(OrganisationChangeRequest.objects.all()) == [first]

    services.organisation_change_reject(actor=platform_staff_user(), change_request=first, note="名称与营业执照不符")
    assert ask(admin, enterprise, name_en="Tsinghua").is_pending


def test_the_database_refuses_a_second_pending_request(enterprise, admin):
    first = ask(admin, enterprise)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationChangeRequest.objects.create(
            organisation=enterprise, previous=first.previous, **{**first.requested, "name_en": "Other"}
        )


@pytest.mark.parametrize(
    ("requested", "field"),
    [
        ({"credit_code": "91310109MACHK7GN2T"}, "credit_code"),  # wrong check character
        ({"province": "320000"}, "city"),  # the city stays in Shanghai
        ({"name_zh": "复旦大学"}, "name_zh"),  # taken
    ],
)
def test_a_request_is_checked_as_approval_will_check_it(enterprise, admin, requested, field):
    OrganisationFactory(name_zh="复旦大学", kind=OrganisationKind.UNIVERSITY)
    with pytest.raises(ValidationError) as refused:
        ask(admin, enterprise, **requested)
    assert field in refused.value.message_dict
    assert not OrganisationChangeRequest.objects.exists()


def test_an_unverified_organisation_does_not_need_to_ask(admin, enterprise):
    Organisation.objects.filter(pk=enterprise.pk).update(verification_status=VerificationStatus.PENDING)
    with pytest.raises(AccountsError):
        ask(admin, enterprise)
    result = services.organisation_update(actor=admin, organisation=enterprise, name_zh="清华大学")
    assert result.change_request is None
    enterprise.refresh_from_db()
    assert enterprise.name_zh == "清华大学"


# Deciding -------------------------------------------------------------------------------------------------------


def test_approval_applies_the_details_keeps_the_badge_and_tells_the_admins(
    enterprise, admin, django_capture_on_commit_callbacks
):
    staff = platform_staff_user()
    change = ask(admin, enterprise, name_zh="清华大学", kind="university", credit_code=make_credit_code("110000"))

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_change_approve(actor=staff, change_request=change, note="已核对登记证书")

    enterprise.refresh_from_db()
    assert (enterprise.name_zh, enterprise.kind, enterprise.credit_code) == (
        "清华大学",
        "university",
        change.credit_code,
    )
    assert enterprise.is_verified
    assert listing_permissions.can_create_listing(admin, enterprise)  # as a university it may now list
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_note) == ("approved", staff, "已核对登记证书")
    assert change.decided_at is not None
    assert AuditEvent.objects.for_object(enterprise).filter(action="organisation.change_approve", actor=staff).exists()
    assert mail.outbox[-1].to == [admin.email]
    assert "苏州微澜新材料有限公司 → 清华大学" in mail.outbox[-1].body
    assert "已核对登记证书" in mail.outbox[-1].body


def test_rejection_needs_a_reason_leaves_the_details_and_tells_the_admins(
    enterprise, admin, django_capture_on_commit_callbacks
):
    staff = platform_staff_user()
    change = ask(admin, enterprise)

    with pytest.raises(ValidationError):
        services.organisation_change_reject(actor=staff, change_request=change, note="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_change_reject(actor=staff, change_request=change, note="名称与营业执照不符")

    enterprise.refresh_from_db()
    assert (enterprise.name_zh, enterprise.kind) == ("苏州微澜新材料有限公司", "enterprise")
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.REJECTED
    assert AuditEvent.objects.for_object(enterprise).filter(action="organisation.change_reject").exists()
    assert mail.outbox[-1].to == [admin.email]
    assert "名称与营业执照不符" in mail.outbox[-1].body


@pytest.mark.parametrize("who", ["admin", "member", "outsider", "django admin user without the permission"])
def test_only_platform_staff_decide(enterprise, admin, member, who):
    change = ask(admin, enterprise)
    actor = {
        "admin": admin,
        "member": member,
        "outsider": add_member(OrganisationFactory()),
        "django admin user without the permission": UserFactory(is_staff=True),
    }[who]
    with pytest.raises(PermissionDenied):
        services.organisation_change_approve(actor=actor, change_request=change)
    with pytest.raises(PermissionDenied):
        services.organisation_change_reject(actor=actor, change_request=change, note="不行")
    change.refresh_from_db()
    enterprise.refresh_from_db()
    assert change.is_pending
    assert enterprise.name_zh == "苏州微澜新材料有限公司"


def test_a_decided_request_is_not_decided_again(enterprise, admin, english):
    staff = platform_staff_user()
    change = ask(admin, enterprise)
    services.organisation_change_reject(actor=staff, change_request=change, note="不符")
    with pytest.raises(AccountsError, match="already been decided"):
        services.organisation_change_approve(actor=staff, change_request=change)
    enterprise.refresh_from_db()
    assert enterprise.name_zh == "苏州微澜新材料有限公司"


def test_approval_checks_again_that_the_name_is_free(enterprise, admin, english):
    change = ask(admin, enterprise, name_zh="上海新名称科技有限公司")
    OrganisationFactory(name_zh="上海新名称科技有限公司")  # registered meanwhile

    with pytest.raises(AccountsError, match="cannot be applied"):
        services.organisation_change_approve(actor=platform_staff_user(), change_request=change)

    enterprise.refresh_from_db()
    change.refresh_from_db()
    assert enterprise.name_zh == "苏州微澜新材料有限公司"
    assert change.is_pending


# A change of kind and the market --------------------------------------------------------------------------------


def test_a_university_with_live_listings_cannot_ask_to_become_an_enterprise(english):
    university = university_in("310000", name_zh="上海某某大学")
    admin = add_member(university, role=MembershipRole.ADMIN)
    make_listing(university, status="published")

    with pytest.raises(AccountsError, match="must withdraw them"):
        ask(admin, university, kind="enterprise")

    assert not OrganisationChangeRequest.objects.exists()


def test_approval_is_refused_while_listings_are_live_and_given_once_they_are_withdrawn(english):
    from listings.services.listings import listing_transition

    university = university_in("310000", name_zh="上海某某大学")
    admin = add_member(university, role=MembershipRole.ADMIN)
    staff = platform_staff_user()
    change = ask(admin, university, kind="enterprise")
    listing = make_listing(university, status="submitted")  # listed after asking

    with pytest.raises(AccountsError, match="上海某某大学 has 1 listings"):
        services.organisation_change_approve(actor=staff, change_request=change)
    university.refresh_from_db()
    assert university.kind == "university"

    listing_transition(actor=admin, listing=listing, name="withdraw")
    services.organisation_change_approve(actor=staff, change_request=change)
    university.refresh_from_db()
    assert university.kind == "enterprise"
    assert not listing_permissions.can_create_listing(admin, university)


# Pages and the admin --------------------------------------------------------------------------------------------


def test_a_member_who_is_not_an_admin_cannot_open_the_edit_page_or_patch(client, enterprise, member):
    from rest_framework.test import APIClient

    client.force_login(member)
    url = reverse("accounts:organisation_edit", args=[enterprise.pk])
    assert client.post(url, {"name_zh": "清华大学", "kind": "university"}).status_code == 403
    api = APIClient()
    api.force_authenticate(member)
    assert (
        api.patch(f"/api/v1/organisations/{enterprise.pk}/", {"name_zh": "清华大学"}, format="json").status_code == 403
    )
    assert not OrganisationChangeRequest.objects.exists()


def test_a_second_request_through_the_api_is_a_400_with_the_reason(enterprise, admin):
    from rest_framework.test import APIClient

    ask(admin, enterprise)
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(admin)
    response = api.patch(f"/api/v1/organisations/{enterprise.pk}/", {"name_en": "Tsinghua"}, format="json")
    assert response.status_code == 400
    assert "still awaiting the platform staff" in response.json()["non_field_errors"][0]
    assert OrganisationChangeRequest.objects.count() == 1


def test_while_a_request_waits_the_edit_page_shows_it_and_keeps_the_details_as_they_are(client, enterprise, admin):
    ask(admin, enterprise)
    client.force_login(admin)
    with translation.override("en"):
        url = reverse("accounts:organisation_edit", args=[enterprise.pk])
    html = client.get(url).content.decode()
    assert "awaits approval by the platform staff" in html
    assert "清华大学" in html

    # Disabled fields: what is posted for them is ignored; the other details still save.
    response = client.post(
        url,
        {"kind": "institute", "name_zh": "别的名字", "province": "310000", "city": "310115", "description": "新简介"},
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name_zh, enterprise.kind, enterprise.description) == (
        "苏州微澜新材料有限公司",
        "enterprise",
        "新简介",
    )
    assert OrganisationChangeRequest.objects.count() == 1


def test_the_pending_request_is_shown_to_members_only(client, enterprise, admin, member):
    ask(admin, enterprise)
    with translation.override("en"):
        url = enterprise.get_absolute_url()
    client.force_login(member)
    assert "Change awaiting approval" in client.get(url).content.decode()
    client.force_login(add_member(OrganisationFactory()))
    assert "Change awaiting approval" not in client.get(url).content.decode()
    assert "清华大学" not in client.get(url).content.decode()


def test_staff_decide_from_their_queue(client, enterprise, admin):
    change = ask(admin, enterprise)
    staff = platform_staff_user()
    client.force_login(staff)
    with translation.override("en"):
        queue = reverse("accounts:verification_queue")
        decide = reverse("accounts:organisation_change_decide", args=[change.pk])

    html = client.get(queue).content.decode()
    assert "Changes to verified details" in html
    assert "苏州微澜新材料有限公司" in html and "→ 清华大学" in html
    assert decide in html

    response = client.post(decide, {"decision": "reject"}, follow=True)
    assert "Give the reason" in response.content.decode()
    change.refresh_from_db()
    assert change.is_pending

    response = client.post(decide, {"decision": "approve"}, follow=True)
    assert "is approved and applied" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.name_zh == "清华大学"


def test_others_cannot_decide_from_the_queue(client, enterprise, admin):
    change = ask(admin, enterprise)
    client.force_login(admin)
    response = client.post(reverse("accounts:organisation_change_decide", args=[change.pk]), {"decision": "approve"})
    assert response.status_code == 403
    change.refresh_from_db()
    assert change.is_pending


def test_the_django_admin_approves_and_rejects_through_the_services(client, enterprise, admin):
    other = OrganisationFactory()
    other_admin = add_member(other, role=MembershipRole.ADMIN)
    approve_me = ask(admin, enterprise)
    reject_me = ask(other_admin, other, name_en="Renamed Ltd")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = reverse("admin:accounts_organisationchangerequest_changelist")

    response = client.post(changelist, {"action": "approve_selected", "_selected_action": [approve_me.pk]})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name_zh == "清华大学"

    asking = client.post(changelist, {"action": "reject_selected", "_selected_action": [reject_me.pk]})
    assert asking.status_code == 200  # the page asking for the reason
    reject_me.refresh_from_db()
    assert reject_me.is_pending
    response = client.post(
        changelist,
        {"action": "reject_selected", "_selected_action": [reject_me.pk], "confirm": "1", "note": "与执照不符"},
    )
    assert response.status_code == 302
    reject_me.refresh_from_db()
    assert (reject_me.status, reject_me.decision_note) == ("rejected", "与执照不符")
    assert (
        AuditEvent.objects.filter(action__in=["organisation.change_approve", "organisation.change_reject"]).count() == 2
    )
