import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from techmarket.accounts import permissions, services
from techmarket.accounts.choices import MembershipRole, MembershipStatus, VerificationStatus
from techmarket.accounts.exceptions import AccountsError, LastAdminError, MembershipExists
from techmarket.accounts.models import Membership, Organisation, User
from techmarket.audit.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory, add_member, make_credit_code

pytestmark = pytest.mark.django_db


def org_fields(**overrides):
    return {
        "kind": "enterprise",
        "name_zh": "苏州纳微新材料科技有限公司",
        "credit_code": make_credit_code("320500"),
        "province": "320000",
        "city": "320500",
        **overrides,
    }


def test_creating_an_organisation_makes_the_creator_its_admin(user):
    organisation = services.organisation_create(actor=user, **org_fields())
    assert organisation.verification_status == VerificationStatus.PENDING
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.is_admin
    assert permissions.can_manage_members(user, organisation)
    assert permissions.can_edit_organisation(user, organisation)
    assert AuditEvent.objects.for_object(organisation).filter(action="organisation.create").exists()


@pytest.mark.parametrize("code", ["", None])
def test_registering_an_organisation_needs_its_credit_code(user, code):
    with pytest.raises(ValidationError) as refused:
        services.organisation_create(actor=user, **org_fields(credit_code=code))
    assert "credit_code" in refused.value.message_dict
    assert not Organisation.objects.exists()


def test_registering_takes_over_an_imported_record_of_the_same_name(user):
    record = OrganisationFactory(
        name_zh="苏州纳微新材料科技有限公司", credit_code=None, verification_status=VerificationStatus.PENDING
    )
    other_record = OrganisationFactory(credit_code=None, verification_status=VerificationStatus.PENDING)

    organisation = services.organisation_create(actor=user, **org_fields())

    assert organisation.pk == record.pk
    assert organisation.credit_code
    assert Organisation.objects.count() == 2
    assert list(Organisation.objects.claimable()) == [other_record]
    assert AuditEvent.objects.for_object(organisation).filter(action="organisation.claim").exists()


def test_an_organisation_without_credit_code_cannot_be_verified(staff_user):
    record = OrganisationFactory(credit_code=None, verification_status=VerificationStatus.PENDING)
    with pytest.raises(AccountsError, match="尚无统一社会信用代码"):
        services.organisation_verify(actor=staff_user, organisation=record, approve=True)
    record.refresh_from_db()
    assert record.verification_status == VerificationStatus.PENDING


def test_platform_staff_hear_of_new_organisations(user, staff_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_create(actor=user, **org_fields())
    assert mail.outbox[-1].to == [staff_user.email]
    assert mail.outbox[-1].subject == "苏州纳微新材料科技有限公司等待认证"
    assert "/organisations/review/" in mail.outbox[-1].body


def test_signup_with_bad_credit_code_writes_nothing(db):
    with pytest.raises(ValidationError):
        services.account_signup(
            email="new@example.cn",
            name="李四",
            password="Correct-Horse-42",
            new_organisation=org_fields(credit_code="91310109MACHK7GN2S"),
        )
    assert not User.objects.exists()
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_join_request_notifies_admins_and_approval_grants_permissions(
    organisation, org_admin, django_capture_on_commit_callbacks
):
    applicant = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_request(user=applicant, organisation=organisation)
    assert membership.status == MembershipStatus.PENDING
    assert not permissions.can_view_members(applicant, organisation)
    assert mail.outbox[-1].to == [org_admin.email]
    assert applicant.name in mail.outbox[-1].subject

    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(actor=org_admin, membership=membership)
    applicant = User.objects.get(pk=applicant.pk)  # fresh permission cache
    assert permissions.can_view_members(applicant, organisation)
    assert not permissions.can_manage_members(applicant, organisation)
    assert mail.outbox[-1].to == [applicant.email]


def test_asking_twice_is_refused(organisation, org_member):
    with pytest.raises(MembershipExists):
        services.membership_request(user=org_member, organisation=organisation)


def test_staff_cannot_manage_members(organisation, org_member):
    other = add_member(organisation, status=MembershipStatus.PENDING)
    membership = Membership.objects.get(user=other)
    with pytest.raises(PermissionDenied):
        services.membership_approve(actor=org_member, membership=membership)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_the_last_admin_cannot_be_removed_or_demoted(organisation, org_admin):
    membership = Membership.objects.get(user=org_admin)
    with pytest.raises(LastAdminError):
        services.membership_remove(actor=org_admin, membership=membership)
    with pytest.raises(LastAdminError):
        services.membership_change_role(actor=org_admin, membership=membership, role=MembershipRole.STAFF)
    assert Membership.objects.get(pk=membership.pk).is_admin


def test_promoting_then_demoting_moves_permissions(organisation, org_admin, org_member):
    membership = Membership.objects.get(user=org_member)
    services.membership_change_role(actor=org_admin, membership=membership, role=MembershipRole.ADMIN)
    assert permissions.can_manage_members(User.objects.get(pk=org_member.pk), organisation)
    services.membership_change_role(actor=org_admin, membership=membership, role=MembershipRole.STAFF)
    assert not permissions.can_manage_members(User.objects.get(pk=org_member.pk), organisation)


def test_removed_member_loses_permissions(organisation, org_admin, org_member):
    services.membership_remove(actor=org_admin, membership=Membership.objects.get(user=org_member))
    assert not permissions.can_view_members(User.objects.get(pk=org_member.pk), organisation)


def test_verification_is_for_platform_staff_and_emails_the_admins(
    organisation, org_admin, staff_user, django_capture_on_commit_callbacks
):
    pending = OrganisationFactory(verification_status=VerificationStatus.PENDING)
    admin = add_member(pending, role=MembershipRole.ADMIN)
    with pytest.raises(PermissionDenied):
        services.organisation_verify(actor=org_admin, organisation=pending, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_verify(actor=staff_user, organisation=pending, approve=False, note="营业执照不清晰")
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.REJECTED
    assert mail.outbox[-1].to == [admin.email]
    assert "营业执照不清晰" in mail.outbox[-1].body
    assert "未通过认证" in mail.outbox[-1].subject


def test_update_refuses_non_admins_and_bad_values(organisation, org_admin, org_member):
    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=org_member, organisation=organisation, name_en="X")
    with pytest.raises(ValidationError):
        services.organisation_update(actor=org_admin, organisation=organisation, province="320000", city="310115")
    organisation.refresh_from_db()
    assert organisation.province == "310000"


def test_broker_profile_validates_provinces(user):
    with pytest.raises(ValidationError):
        services.broker_profile_save(user=user, certificate_number="JSJL-1", provinces_served=["999999"], field_ids=[])
    profile = services.broker_profile_save(
        user=user, certificate_number="JSJL-1", provinces_served=["310000", "340000"], field_ids=[]
    )
    assert profile.province_names == ["上海市", "安徽省"]


def test_an_organisation_named_by_an_import_is_added_unverified_without_members_and_audited():
    organisation = services.organisation_add_unverified(
        actor=None, kind="enterprise", name_zh="无锡太湖半导体有限公司", province="320000", city="320200", source="test"
    )

    assert organisation.verification_status == VerificationStatus.PENDING
    assert not organisation.memberships.exists()
    assert list(Organisation.objects.claimable()) == [organisation]  # no credit code: waits for a claimant
    event = AuditEvent.objects.get(action="organisation.create", target_id=str(organisation.pk))
    assert (event.actor, event.data) == (None, {"source": "test"})


def test_an_organisation_an_import_names_is_checked_before_it_is_saved():
    with pytest.raises(ValidationError):
        services.organisation_add_unverified(
            actor=None, kind="enterprise", name_zh="某公司", province="999999", credit_code="123", source="test"
        )
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_organisations_an_import_names_are_added_in_bulk_each_audited():
    added = services.organisations_add_unverified(
        actor=None,
        organisations=[
            Organisation(kind="enterprise", name_zh="无锡太湖半导体有限公司", province="320000", city="320200"),
            Organisation(kind="university", name_zh="中国科学技术大学", province="340000", city="340100"),
        ],
        source="test",
    )

    assert [organisation.pk is not None for organisation in added] == [True, True]
    assert {o.verification_status for o in Organisation.objects.all()} == {VerificationStatus.PENDING}
    events = AuditEvent.objects.filter(action="organisation.create").order_by("target_id")
    assert [(event.target_id, event.data) for event in events] == [(str(o.pk), {"source": "test"}) for o in added]


@pytest.mark.parametrize("clash", ["registered", "twice"])
def test_organisations_added_in_bulk_are_checked_all_before_any_is_saved(clash, organisation):
    name = organisation.name_zh if clash == "registered" else "无锡太湖半导体有限公司"
    before = Organisation.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.organisations_add_unverified(
            actor=None,
            organisations=[
                Organisation(kind="enterprise", name_zh="常州新材料有限公司", province="320000"),
                Organisation(kind="enterprise", name_zh=name, province="320000"),
                Organisation(kind="enterprise", name_zh="无锡太湖半导体有限公司", province="320000"),
            ],
            source="test",
        )

    assert "name_zh" in refused.value.message_dict
    assert Organisation.objects.count() == before
    assert not AuditEvent.objects.filter(action="organisation.create").exists()
