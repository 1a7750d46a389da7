"""Every listing page, for each kind of visitor.

Listings that are not public are a 404 for anyone who may not see them (their
existence does not leak); a listing someone may see but not change is a 403.
"""

import pytest
from django.urls import reverse

from listings.models import Listing
from listings.services.listings import listing_assign_broker
from techmarket.accounts.choices import MembershipRole, OrganisationKind
from techmarket.accounts.models import User
from tests.factories import OrganisationFactory, add_member, make_broker, make_listing, platform_staff_user
from tests.worlds import built_once

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
LOGIN = "login"  # a redirect to the sign-in page
HOME = "dashboard"  # a redirect to the dashboard with a message


def _row(*statuses):
    return dict(zip(ROLES, statuses, strict=True))


# (page, method, status of the listing, expected per role)
MATRIX = [
    ("list", "get", "published", _row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("detail", "get", "published", _row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("detail", "get", "draft", _row(404, 404, 200, 200, 404, 200, 404, 200)),
    ("detail", "get", "submitted", _row(404, 404, 200, 200, 404, 200, 404, 200)),
    ("detail", "get", "suspended", _row(404, 404, 200, 200, 404, 200, 404, 200)),
    ("detail", "get", "withdrawn", _row(404, 404, 200, 200, 404, 200, 404, 200)),
    ("detail", "get", "closed", _row(200, 200, 200, 200, 200, 200, 200, 200)),
    ("history", "get", "draft", _row(404, 404, 200, 200, 404, 200, 404, 200)),
    ("edit", "get", "draft", _row(LOGIN, 404, 200, 200, 404, 403, 404, 403)),
    ("edit", "get", "published", _row(LOGIN, 403, 200, 200, 403, 403, 403, 403)),
    ("edit", "get", "submitted", _row(LOGIN, 404, 403, 403, 404, 403, 404, 403)),
    ("edit", "post", "draft", _row(LOGIN, 404, 302, 302, 404, 403, 404, 403)),
    ("files", "get", "draft", _row(LOGIN, 404, 200, 200, 404, 403, 404, 403)),
    ("submit", "post", "draft", _row(LOGIN, 404, 302, 302, 404, 403, 404, 403)),
    ("approve", "post", "submitted", _row(LOGIN, 404, 403, 403, 404, 403, 404, 302)),
    ("reject", "post", "submitted", _row(LOGIN, 404, 403, 403, 404, 403, 404, 302)),
    ("suspend", "post", "published", _row(LOGIN, 403, 403, 403, 403, 403, 403, 302)),
    ("withdraw", "post", "published", _row(LOGIN, 403, 403, 302, 403, 403, 403, 403)),
    ("close", "post", "published", _row(LOGIN, 403, 403, 302, 403, 403, 403, 403)),
    ("broker", "post", "published", _row(LOGIN, 403, 403, 302, 403, 403, 403, 302)),
    ("review", "get", "submitted", _row(LOGIN, 403, 403, 403, 403, 403, 403, 200)),
    ("mine", "get", "draft", _row(LOGIN, 200, 200, 200, 200, 200, 200, 200)),
    ("create", "get", "draft", _row(LOGIN, HOME, 200, 200, 200, HOME, HOME, HOME)),
]


def _make_world(*statuses: str):
    """The owner university with a listing in each status (its broker assigned to each), and a user per role."""
    owner = OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="浙江大学", province="330000", city="330100")
    listings = {status: make_listing(owner, status=status) for status in statuses}
    assigned = make_broker()
    for listing in listings.values():
        listing_assign_broker(actor=None, listing=listing, broker=assigned)
    users = {
        "anonymous": None,
        "sme_member": add_member(OrganisationFactory()),
        "owner_member": add_member(owner),
        "owner_admin": add_member(owner, role=MembershipRole.ADMIN),
        "other_university": add_member(OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="安徽大学")),
        "assigned_broker": assigned.user,
        "unassigned_broker": make_broker().user,
        "moderator": platform_staff_user(),
    }
    return listings, users


def _request(client, page, method, listing):
    pk = listing.pk
    transition = lambda name: reverse("listings:listing_transition", args=[pk, name])  # noqa: E731
    edit_data = {
        "kind": "patent",
        "field": listing.field_id,
        "title_zh": "修改后的标题",
        "summary_zh": listing.summary_zh,
        "trl": 6,
        "contact_name": "王老师",
        "contact_email": "tech@example.cn",
        "patent_numbers": " ".join(p.application_number for p in listing.patents.all()),
        "offer_assignment": "on",
    }
    urls = {
        "list": (reverse("listings:listing_list"), {}),
        "detail": (listing.get_absolute_url(), {}),
        "history": (listing.get_absolute_url() + "?tab=history", {}),
        "edit": (reverse("listings:listing_edit", args=[pk]), edit_data),
        "files": (reverse("listings:listing_files", args=[pk]), {}),
        "submit": (transition("submit"), {}),
        "approve": (transition("approve"), {}),
        "reject": (transition("reject"), {"reason": "请补充技术指标"}),
        "suspend": (transition("suspend"), {"reason": "权属存在争议"}),
        "withdraw": (transition("withdraw"), {}),
        "close": (transition("close"), {}),
        "broker": (reverse("listings:listing_broker", args=[pk]), {"broker": ""}),
        "review": (reverse("listings:review_queue"), {}),
        "mine": (reverse("listings:my_listings"), {}),
        "create": (reverse("listings:listing_create"), {}),
    }
    url, data = urls[page]
    return client.post(url, data) if method == "post" else client.get(url)


@pytest.mark.django_db
class TestMatrix:
    """One world for the class: a listing in each status of the matrix, the same people for all.

    Each case runs in its own savepoint (a transition it makes is gone before the next case) and fetches its
    listing and user afresh.
    """

    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        with built_once(django_db_blocker):
            listings, users = _make_world(*dict.fromkeys(status for _page, _method, status, _expected in MATRIX))
            yield (
                {status: listing.pk for status, listing in listings.items()},
                {role: user and user.pk for role, user in users.items()},
            )

    @pytest.mark.parametrize(("page", "method", "status", "expected"), MATRIX)
    @pytest.mark.parametrize("role", ROLES)
    def test_permission_matrix(self, world, client, page, method, status, expected, role):
        listing_pks, user_pks = world
        listing = Listing.objects.get(pk=listing_pks[status])
        if user_pks[role]:
            client.force_login(User.objects.get(pk=user_pks[role]))
        response = _request(client, page, method, listing)
        want = expected[role]
        if want == LOGIN:
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("accounts:login"))
        elif want == HOME:
            assert response.status_code == 302
            assert response["Location"] == reverse("accounts:dashboard")
        else:
            assert response.status_code == want, f"{role} {method} {page}"
            if want == 302:
                assert not response["Location"].startswith(reverse("accounts:login"))
                assert response["Location"] != reverse("accounts:dashboard")


@pytest.mark.django_db
def test_history_tab_is_shown_only_to_those_concerned(client):
    listings, users = _make_world("published")
    listing = listings["published"]
    client.force_login(users["sme_member"])
    page = client.get(listing.get_absolute_url() + "?tab=history").content.decode()
    assert 'id="history-heading"' not in page and 'data-test="listing-tabs"' not in page
    client.force_login(users["owner_member"])
    page = client.get(listing.get_absolute_url() + "?tab=history").content.decode()
    assert 'id="history-heading"' in page
    # created, submitted, published, broker assigned: each with its readable name, newest first
    rows = page.split('id="history-heading"')[1].split("</tbody>")[0].count("<tr><td>")
    assert rows == 4 and "listing.approve" not in page
