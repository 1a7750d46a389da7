import pytest
from django.core import mail
from django.urls import reverse

from techmarket.accounts.choices import MembershipStatus, VerificationStatus
from techmarket.accounts.models import Membership, Organisation, User
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, add_member, platform_staff_user

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "user-name": "王小明",
        "user-email": "wang@example.cn",
        "user-phone": "138 1234 5678",
        "user-password1": "Correct-Horse-42",
        "user-password2": "Correct-Horse-42",
        "user-mode": "create",
        "org-kind": "enterprise",
        "org-name_zh": "上海芯研微电子有限公司",
        "org-name_en": "Shanghai Xinyan Microelectronics",
        "org-credit_code": "91310109machk7gn2r",
        "org-province": "310000",
        "org-city": "310109",
        "org-website": "xinyan.example.cn",
    }
    data.update(overrides)
    return data


def test_signup_registers_the_organisation_and_welcomes_by_e_mail(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), signup_data())
    # Not signed in at once: an address that already has an account gets this same answer (test_signup_privacy.py).
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get(email="wang@example.cn")
    assert user.phone == "13812345678"
    organisation = Organisation.objects.get(credit_code="91310109MACHK7GN2R")
    assert organisation.website == "https://xinyan.example.cn"
    assert organisation.verification_status == VerificationStatus.PENDING
    assert Membership.objects.get(user=user).is_admin
    welcome = next(message for message in mail.outbox if message.to == ["wang@example.cn"])
    assert "等待平台审核认证" in welcome.body
    client.post(reverse("accounts:login"), {"username": "wang@example.cn", "password": "Correct-Horse-42"})
    dashboard = client.get(reverse("accounts:dashboard"))
    assert "上海芯研微电子有限公司" in dashboard.content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"org-credit_code": "91310109MACHK7GN2T"}, "org-credit_code", "校验位错误：应为 R，实际为 T"),
        ({"org-credit_code": "913101"}, "org-credit_code", "应为 18 位"),
        ({"org-province": "990000"}, "org-province", "990000"),
        ({"org-city": "320500"}, "org-city", "不属于上海市"),
        ({"user-phone": "12345"}, "user-phone", "11 位数字"),
        ({"user-password2": "different"}, "user-password2", "两次输入的密码不一致"),
        ({"user-password1": "12345678", "user-password2": "12345678"}, "user-password1", ""),
    ],
)
def test_bad_signup_shows_the_field_error_and_writes_nothing(client, overrides, field, message):
    response = client.post(reverse("accounts:signup"), signup_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="{field}"' in html
    assert f'id="id_{field}_error"' in html
    assert 'aria-invalid="true"' in html
    assert message in html
    assert not User.objects.exists()
    assert not Organisation.objects.exists()


def test_duplicate_organisation_is_a_field_error(client):
    OrganisationFactory(credit_code="91310109MACHK7GN2R")
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 200
    assert "使用该信用代码的机构已经注册" in response.content.decode()
    assert not User.objects.exists()
    assert Organisation.objects.count() == 1


def test_duplicate_chinese_name_is_a_field_error(client):
    OrganisationFactory(name_zh="上海芯研微电子有限公司")
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 200
    assert 'id="id_org-name_zh_error"' in response.content.decode()
    assert not User.objects.exists()


def test_signup_to_join_an_existing_organisation(client, organisation, org_admin, django_capture_on_commit_callbacks):
    data = signup_data(**{"user-mode": "join", "user-join_credit_code": organisation.credit_code.lower()})
    data = {k: v for k, v in data.items() if not k.startswith("org-")}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="wang@example.cn")
    assert membership.organisation == organisation
    assert membership.status == MembershipStatus.PENDING
    assert [org_admin.email] in [message.to for message in mail.outbox]  # beside the applicant's welcome


def test_joining_an_unknown_organisation_is_a_field_error(client):
    data = signup_data(**{"user-mode": "join", "user-join_credit_code": "91310109MACHK7GN2R"})
    response = client.post(reverse("accounts:signup"), data)
    assert response.status_code == 200
    assert "尚无使用该信用代码的机构" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("identifier", ["li@example.cn", "LI@Example.CN", "13912345678", "+86 139-1234-5678"])
def test_login_by_email_or_phone(client, identifier):
    UserFactory(email="li@example.cn", phone="13912345678")
    response = client.post(reverse("accounts:login"), {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_wrong_password_says_so(client):
    UserFactory(email="li@example.cn")
    response = client.post(reverse("accounts:login"), {"username": "li@example.cn", "password": "nope"})
    assert response.status_code == 200
    assert "邮箱或手机号与密码不匹配" in response.content.decode()


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="li@example.cn")
    response = client.post(reverse("accounts:password_reset"), {"email": "li@example.cn"})
    assert response.status_code == 302
    body = mail.outbox[-1].body
    link = next(line for line in body.splitlines() if "/password-reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": "Another-Horse-77", "new_password2": "Another-Horse-77"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Another-Horse-77")


def test_admin_approves_a_join_request_from_the_members_page(client, organisation, org_admin):
    applicant = UserFactory()
    membership = Membership.objects.create(user=applicant, organisation=organisation)
    client.force_login(org_admin)
    page = client.get(reverse("accounts:organisation_members", args=[organisation.pk]))
    assert applicant.email in page.content.decode()
    response = client.post(reverse("accounts:membership_approve", args=[organisation.pk, membership.pk]), follow=True)
    assert f"{applicant.name} 已成为成员" in response.content.decode()
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


def test_removing_the_last_admin_shows_a_message(client, organisation, org_admin):
    membership = Membership.objects.get(user=org_admin)
    client.force_login(org_admin)
    response = client.post(reverse("accounts:membership_remove", args=[organisation.pk, membership.pk]), follow=True)
    assert "机构至少需要一名管理员" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_rejection_without_a_reason_is_refused(client, staff_user):
    pending = OrganisationFactory(verification_status=VerificationStatus.PENDING)
    client.force_login(staff_user)
    response = client.post(
        reverse("accounts:organisation_verify", args=[pending.pk]), {"decision": "reject"}, follow=True
    )
    assert "请说明不予通过的原因" in response.content.decode()
    pending.refresh_from_db()
    assert pending.verification_status == VerificationStatus.PENDING


def test_directory_lists_verified_organisations_with_filters(client):
    OrganisationFactory(name_zh="浙江大学", kind="university", province="330000", city="330100")
    OrganisationFactory(name_zh="南京大学", kind="university", province="320000", city="320100")
    OrganisationFactory(name_zh="待审核公司", verification_status=VerificationStatus.PENDING)
    html = client.get(reverse("accounts:organisation_list")).content.decode()
    assert "浙江大学" in html and "南京大学" in html
    assert "待审核公司" not in html
    html = client.get(reverse("accounts:organisation_list"), {"province": "330000"}).content.decode()
    assert "浙江大学" in html and "南京大学" not in html
    html = client.get(reverse("accounts:organisation_list"), {"province": "<script>", "page": "x"}).content.decode()
    assert "浙江大学" in html


def test_directory_paginates(client, django_assert_max_num_queries):
    for _ in range(30):
        OrganisationFactory()
    with django_assert_max_num_queries(6):
        first = client.get(reverse("accounts:organisation_list"))
    assert first.content.decode().count('class="card"') == 24
    second = client.get(reverse("accounts:organisation_list"), {"page": 2})
    assert second.content.decode().count('class="card"') == 6


def test_signed_in_user_changes_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Another-Horse-77", "new_password2": "Another-Horse-77"},
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password("Another-Horse-77")


def test_broker_profile_is_saved_from_the_form(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:broker_profile"),
        {
            "certificate_number": "JSJL-2024-0001",
            "provinces_served": ["310000", "330000"],
            "introduction": "专注新材料",
        },
        follow=True,
    )
    assert "技术经理人资料已保存" in response.content.decode()
    assert user.broker_profile.provinces_served == ["310000", "330000"]
    response = client.post(
        reverse("accounts:broker_profile"), {"certificate_number": "", "provinces_served": ["990000"]}
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def imported_record(name_zh="上海芯研微电子有限公司", **fields) -> Organisation:
    """An organisation the registry learnt of from imported transfer records: no credit code, no members."""
    return OrganisationFactory(
        name_zh=name_zh, credit_code=None, verification_status=VerificationStatus.PENDING, **fields
    )


def test_signing_up_takes_over_the_record_an_import_added(client):
    record = imported_record(kind="university", city="310115")

    response = client.post(reverse("accounts:signup"), signup_data())

    assert response.status_code == 302
    assert Organisation.objects.count() == 1
    record.refresh_from_db()
    assert record.credit_code == "91310109MACHK7GN2R"
    assert (record.kind, record.city) == ("enterprise", "310109")  # what the registrant says wins
    assert record.verification_status == VerificationStatus.PENDING
    assert Membership.objects.get(organisation=record).user.email == "wang@example.cn"
    assert record in Organisation.objects.awaiting_verification()
    client.force_login(platform_staff_user())
    assert "上海芯研微电子有限公司" in client.get(reverse("accounts:verification_queue")).content.decode()


def test_a_record_someone_already_claimed_is_a_taken_name(client):
    record = imported_record()
    add_member(record, role="admin")

    response = client.post(reverse("accounts:signup"), signup_data())

    assert response.status_code == 200
    assert 'id="id_org-name_zh_error"' in response.content.decode()
    assert not User.objects.filter(email="wang@example.cn").exists()


def test_a_record_without_credit_code_waits_outside_the_queue_and_cannot_be_verified(client, staff_user):
    record = imported_record()
    client.force_login(staff_user)

    assert "上海芯研微电子有限公司" not in client.get(reverse("accounts:verification_queue")).content.decode()
    response = client.post(
        reverse("accounts:organisation_verify", args=[record.pk]), {"decision": "approve"}, follow=True
    )

    assert response.status_code == 200
    assert "尚无统一社会信用代码" in response.content.decode()
    record.refresh_from_db()
    assert record.verification_status == VerificationStatus.PENDING
    page = client.get(record.get_absolute_url()).content.decode()
    assert "尚未知晓（来自转让登记记录）" in page
