"""Sign-up does not tell who has an account: the same answer for an e-mail address or mobile number that has one as
for a free one, and what differs goes by e-mail to the address's (or number's) owner."""

import re

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from techmarket.accounts.models import Membership, User
from techmarket.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "wang@example.cn"
PHONE = "13812345678"


def signup_data(credit_code: str = "91310109MACHK7GN2R", **overrides) -> dict:
    return {
        "user-name": "王小明",
        "user-email": EMAIL,
        "user-phone": "138 1234 5678",
        "user-password1": "Correct-Horse-42",
        "user-password2": "Correct-Horse-42",
        "user-mode": "create",
        "org-kind": "enterprise",
        "org-name_zh": "上海芯研微电子有限公司",
        "org-credit_code": credit_code,
        "org-province": "310000",
        "org-city": "310109",
        **overrides,
    }


def answer(data: dict):
    """What a visitor sees: the response to the form, and the page it leads to (with its message)."""
    client = Client()
    response = client.post(reverse("accounts:signup"), data)
    follow = client.get(response["Location"]) if response.status_code == 302 else None
    return response, follow


def seen(response, follow) -> tuple:
    """The status, the address it leads to, the template and the page shown after it (its one-time CSRF token
    aside)."""
    page = follow.content.decode() if follow else response.content.decode()
    return (
        response.status_code,
        response.get("Location"),
        [t.name for t in follow.templates][:1] if follow else None,
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page),
    )


@pytest.mark.parametrize(
    "owner_fields",
    [
        pytest.param({"email": EMAIL}, id="e-mail taken"),
        pytest.param({"email": "someone@example.cn", "phone": PHONE}, id="only the phone taken"),
        pytest.param({"email": EMAIL.upper(), "phone": PHONE}, id="both taken"),
    ],
)
def test_a_taken_address_or_number_gets_the_answer_a_free_one_gets(owner_fields, django_capture_on_commit_callbacks):
    with transaction.atomic():
        free = seen(*answer(signup_data()))
        transaction.set_rollback(True)  # as if it had not happened: the next sign-up is the same one
    owner = UserFactory(**owner_fields)
    with django_capture_on_commit_callbacks(execute=True):
        taken = seen(*answer(signup_data()))
    assert taken == free
    assert free[:2] == (302, reverse("accounts:login"))
    # The owner is told, at their own address.
    told = [message for message in mail.outbox if message.to == [owner.email]]
    assert len(told) == 1
    assert "/password-reset/" in told[0].body and "/login/" in told[0].body
    assert AuditEvent.objects.filter(action="user.signup_taken", target_id=str(owner.pk)).count() == 1
    owner.refresh_from_db()
    assert owner.phone == owner_fields.get("phone")  # a number stays with its owner


@pytest.mark.parametrize("field", ["email", "phone"])
def test_no_second_account_and_nothing_of_the_owners_changes(field, organisation, django_capture_on_commit_callbacks):
    owner = UserFactory(email=EMAIL if field == "email" else "owner@example.cn", phone=PHONE)
    join = {"user-mode": "join", "user-join_credit_code": organisation.credit_code}
    with django_capture_on_commit_callbacks(execute=True):
        response, _follow = answer(signup_data(**join))
    assert response.status_code == 302
    assert User.objects.filter(phone=PHONE).get() == owner
    assert not Membership.objects.filter(user=owner).exists()
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    if field == "email":
        assert User.objects.count() == 1
    else:
        # A free address with someone else's number: the account is made, without the number, and says so.
        newcomer = User.objects.get(email=EMAIL)
        assert newcomer.phone is None
        welcome = next(message for message in mail.outbox if message.to == [EMAIL])
        assert "/login/" in welcome.body


def test_a_new_person_is_welcomed_by_e_mail_and_signs_in(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response, follow = answer(signup_data())
    assert response.status_code == 302
    assert EMAIL in follow.content.decode()  # the message names where the e-mail went
    user = User.objects.get(email=EMAIL)
    assert user.phone == PHONE
    assert Membership.objects.get(user=user).organisation.credit_code == "91310109MACHK7GN2R"
    welcome = next(message for message in mail.outbox if message.to == [EMAIL])
    assert "上海芯研微电子有限公司" in welcome.body and "/login/" in welcome.body
    signed_in = Client().post(reverse("accounts:login"), {"username": PHONE, "password": "Correct-Horse-42"})
    assert signed_in.status_code == 302
