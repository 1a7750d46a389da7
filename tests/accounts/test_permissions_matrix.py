"""Every view that shows or changes an organisation, for each kind of visitor.

Pending organisations are visible only to their members and the platform
staff (404 for everyone else, so their existence does not leak).

Both worlds (a verified organisation and a pending one) are built once for
the module; each case runs in its own savepoint and fetches its rows afresh.
"""

import pytest
from django.urls import reverse

from techmarket.accounts.choices import MembershipRole, MembershipStatus, VerificationStatus
from techmarket.accounts.models import Membership, Organisation, User
from tests.factories import OrganisationFactory, UserFactory, add_member, platform_staff_user
from tests.worlds import built_once

ROLES = ["anonymous", "outsider", "member", "admin", "platform_staff"]
LOGIN = "login"  # a redirect to the sign-in page


def _row(*statuses):
    return dict(zip(ROLES, statuses, strict=True))


# (name, method, verified organisation?, expected per role)
MATRIX = [
    ("detail", "get", True, _row(200, 200, 200, 200, 200)),
    ("detail", "get", False, _row(404, 404, 200, 200, 200)),
    ("edit", "get", True, _row(LOGIN, 403, 403, 200, 403)),
    ("edit", "post", True, _row(LOGIN, 403, 403, 302, 403)),
    ("edit", "get", False, _row(LOGIN, 404, 403, 200, 403)),
    ("members", "get", True, _row(LOGIN, 403, 200, 200, 200)),
    ("members", "get", False, _row(LOGIN, 404, 200, 200, 200)),
    ("approve", "post", True, _row(LOGIN, 403, 403, 302, 403)),
    ("role", "post", True, _row(LOGIN, 403, 403, 302, 403)),
    ("remove", "post", True, _row(LOGIN, 403, 403, 302, 403)),
    ("join", "post", True, _row(LOGIN, 302, 302, 302, 302)),
    ("verify", "post", False, _row(LOGIN, 403, 403, 403, 302)),
    ("queue", "get", False, _row(LOGIN, 403, 403, 403, 200)),
]


def _make_world(verified: bool):
    organisation = OrganisationFactory(
        verification_status=VerificationStatus.VERIFIED if verified else VerificationStatus.PENDING
    )
    users = {
        "anonymous": None,
        "outsider": add_member(OrganisationFactory()),
        "member": add_member(organisation),
        "admin": add_member(organisation, role=MembershipRole.ADMIN),
        "platform_staff": platform_staff_user(),
    }
    applicant = UserFactory()
    pending = Membership.objects.create(user=applicant, organisation=organisation, status=MembershipStatus.PENDING)
    return organisation, users, pending


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    """Each world by whether its organisation is verified, as primary keys: (organisation, users, pending)."""
    with built_once(django_db_blocker):
        worlds = {}
        for verified in (True, False):
            organisation, users, pending = _make_world(verified)
            worlds[verified] = (organisation.pk, {role: user and user.pk for role, user in users.items()}, pending.pk)
        yield worlds


def _request(client, name, method, organisation, pending):
    pk = organisation.pk
    urls = {
        "detail": (reverse("accounts:organisation_detail", args=[pk]), {}),
        "edit": (
            reverse("accounts:organisation_edit", args=[pk]),
            # A verified organisation's form shows its credit code too (a change to it would await the staff).
            {
                "kind": "enterprise",
                "name_zh": "新名称有限公司",
                "credit_code": organisation.credit_code,
                "province": "310000",
                "city": "310115",
            },
        ),
        "members": (reverse("accounts:organisation_members", args=[pk]), {}),
        "approve": (reverse("accounts:membership_approve", args=[pk, pending.pk]), {}),
        "role": (reverse("accounts:membership_role", args=[pk, pending.pk]), {"role": "staff"}),
        "remove": (reverse("accounts:membership_remove", args=[pk, pending.pk]), {}),
        "join": (reverse("accounts:membership_join", args=[pk]), {}),
        "verify": (reverse("accounts:organisation_verify", args=[pk]), {"decision": "approve"}),
        "queue": (reverse("accounts:verification_queue"), {}),
    }
    url, data = urls[name]
    return getattr(client, method)(url, data) if method == "post" else client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method", "verified", "expected"), MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(worlds, client, name, method, verified, expected, role):
    organisation_pk, user_pks, pending_pk = worlds[verified]
    organisation = Organisation.objects.get(pk=organisation_pk)
    pending = Membership.objects.get(pk=pending_pk)
    if user_pks[role]:
        client.force_login(User.objects.get(pk=user_pks[role]))
    response = _request(client, name, method, organisation, pending)
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == want, f"{role} {method} {name}"
        if want == 302:
            assert not response["Location"].startswith(reverse("accounts:login"))
