"""Every listing, inquiry and demand endpoint of the API, for each kind of caller: the same rules as the pages.

Listings that are not public are a 404 for anyone who may not see them (their
existence does not leak); a listing someone may see but not change is a 403.
Anonymous writes are a 403 (the API's first authentication is the session,
which asks for no credentials). Each refusal also leaves the listing as it was,
and each success changes it.

Each matrix builds its world once for its class; each case runs in its own
savepoint and fetches its rows and its caller afresh.
"""

import datetime
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from listings import permissions as listing_permissions
from listings.models import Demand, Inquiry, InquiryMessage, Listing, Proposal
from listings.services import demands as demand_services
from listings.services import inquiries as inquiry_services
from listings.services import listings as services
from techmarket.accounts.choices import MembershipRole, OrganisationKind
from techmarket.accounts.models import User
from techmarket.regions.models import TechnologyField
from tests.factories import OrganisationFactory, add_member, make_broker, make_listing, platform_staff_user
from tests.worlds import built_once

from .conftest import MINIMAL_PDF, image_bytes

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


def _row(*statuses):
    return dict(zip(ROLES, statuses, strict=True))


EVERYONE = _row(200, 200, 200, 200, 200, 200, 200, 200)
# A listing only those it concerns may see: the owner's members, its broker and the moderators.
CONCERNED = _row(404, 404, 200, 200, 404, 200, 404, 200)
# Changing a draft: the owner's members; the others who see it get a 403, the rest a 404.
EDIT_DRAFT = _row(403, 404, 200, 200, 404, 403, 404, 403)
EDIT_PUBLISHED = _row(403, 403, 200, 200, 403, 403, 403, 403)

# (endpoint, method, status of the listing, expected per role)
MATRIX = [
    ("list", "get", "published", EVERYONE),
    ("mine", "get", "draft", _row(403, 200, 200, 200, 200, 200, 200, 200)),
    ("retrieve", "get", "published", EVERYONE),
    ("retrieve", "get", "closed", EVERYONE),
    ("retrieve", "get", "draft", CONCERNED),
    ("retrieve", "get", "submitted", CONCERNED),
    ("retrieve", "get", "suspended", CONCERNED),
    ("retrieve", "get", "withdrawn", CONCERNED),
    ("create", "post", "published", _row(403, 403, 201, 201, 403, 403, 403, 403)),
    ("update", "patch", "draft", EDIT_DRAFT),
    ("update", "put", "draft", EDIT_DRAFT),
    ("update", "patch", "published", EDIT_PUBLISHED),
    ("update", "patch", "submitted", _row(403, 404, 403, 403, 404, 403, 404, 403)),
    ("destroy", "delete", "draft", _row(403, 405, 405, 405, 405, 405, 405, 405)),
    ("submit", "post", "draft", EDIT_DRAFT),
    ("approve", "post", "submitted", _row(403, 404, 403, 403, 404, 403, 404, 200)),
    ("reject", "post", "submitted", _row(403, 404, 403, 403, 404, 403, 404, 200)),
    ("suspend", "post", "published", _row(403, 403, 403, 403, 403, 403, 403, 200)),
    ("reinstate", "post", "suspended", _row(403, 404, 403, 403, 404, 403, 404, 200)),
    ("withdraw", "post", "published", _row(403, 403, 403, 200, 403, 403, 403, 403)),
    ("reopen", "post", "withdrawn", _row(403, 404, 403, 200, 404, 403, 404, 403)),
    ("close", "post", "published", _row(403, 403, 403, 200, 403, 403, 403, 403)),
    ("image_add", "post", "draft", _row(403, 404, 201, 201, 404, 403, 404, 403)),
    ("image_add", "post", "published", _row(403, 403, 201, 201, 403, 403, 403, 403)),
    ("image_delete", "delete", "draft", _row(403, 404, 204, 204, 404, 403, 404, 403)),
    ("image_delete", "delete", "published", _row(403, 403, 204, 204, 403, 403, 403, 403)),
    ("file_add", "post", "draft", _row(403, 404, 201, 201, 404, 403, 404, 403)),
    ("file_delete", "delete", "draft", _row(403, 404, 204, 204, 404, 403, 404, 403)),
    ("file_delete", "delete", "published", _row(403, 403, 204, 204, 403, 403, 403, 403)),
]

TRANSITIONS = {"submit", "approve", "reject", "suspend", "reinstate", "withdraw", "reopen", "close"}
REASONS = {"reject": "请补充技术指标", "suspend": "权属存在争议"}


def _make_world(*keys: tuple[str, str]):
    """The owner university with a listing for each (status, endpoint) key, its broker assigned to each, and a
    user per role. The listing of an image_delete or a file_delete key starts with an image or a file."""
    owner = OrganisationFactory(kind=OrganisationKind.UNIVERSITY, name_zh="浙江大学", province="330000", city="330100")
    listings = {key: make_listing(owner, status=key[0]) for key in keys}
    assigned = make_broker()
    for (_status, endpoint), listing in listings.items():
        services.listing_assign_broker(actor=None, listing=listing, broker=assigned)
        if endpoint == "image_delete":
            services.listing_image_add(
                actor=None, listing=listing, image=SimpleUploadedFile("a.png", image_bytes("PNG", size=(64, 48)))
            )
        if endpoint == "file_delete":
            services.listing_attachment_add(
                actor=None, listing=listing, file=SimpleUploadedFile("a.pdf", MINIMAL_PDF), title="简介"
            )
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


def _listing_key(status: str, endpoint: str) -> tuple[str, str]:
    """The listing a case of the matrix acts on: one per status, and one per status for each file to delete."""
    return status, endpoint if endpoint in ("image_delete", "file_delete") else ""


def _pks(rows: dict) -> dict:
    return {key: row and row.pk for key, row in rows.items()}


def _user(pk):
    """The caller afresh from the database, without the permission caches of an earlier case."""
    return pk and User.objects.get(pk=pk)


def _body(listing) -> dict:
    return {
        "organisation": listing.organisation_id,
        "kind": "patent",
        "title_zh": "修改后的标题",
        "summary_zh": listing.summary_zh,
        "field": "new-energy",
        "trl": 6,
        "contact_name": "王老师",
        "contact_email": "tech@example.cn",
        "patents": [p.application_number for p in listing.patents.all()],
        "deal_terms": [{"mode": "assignment"}],
    }


def _request(api, endpoint, method, listing):
    base = f"/api/v1/listings/{listing.pk}/"
    if endpoint in TRANSITIONS:
        return api.post(f"{base}transition/", {"name": endpoint, "reason": REASONS.get(endpoint, "")}, format="json")
    if endpoint == "image_add":
        image = SimpleUploadedFile("b.png", image_bytes("PNG", size=(64, 48)))
        return api.post(f"{base}images/", {"image": image}, format="multipart")
    if endpoint == "file_add":
        return api.post(f"{base}attachments/", {"file": SimpleUploadedFile("b.pdf", MINIMAL_PDF), "title": "说明"})
    if endpoint == "image_delete":
        return api.delete(f"{base}images/{listing.images.get().pk}/")
    if endpoint == "file_delete":
        return api.delete(f"{base}attachments/{listing.attachments.get().pk}/")
    url, data = {
        "list": ("/api/v1/listings/", None),
        "mine": ("/api/v1/listings/?mine=1", None),
        "retrieve": (base, None),
        "create": ("/api/v1/listings/", _body(listing)),
        "update": (base, {"title_zh": "修改后的标题"} if method == "patch" else _body(listing)),
        "destroy": (base, None),
    }[endpoint]
    return getattr(api, method)(url, data, format="json") if data else getattr(api, method)(url)


def _state(listing) -> tuple:
    listing = Listing.objects.get(pk=listing.pk)
    return (
        Listing.objects.count(),
        listing.status,
        listing.title_zh,
        listing.images.count(),
        listing.attachments.count(),
    )


@pytest.mark.django_db
class TestListingMatrix:
    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker, tmp_path_factory):
        """A listing for each key of the matrix and the same people for all; the files they start with are
        kept in a directory of the class."""
        media = tmp_path_factory.mktemp("world-media")
        with built_once(django_db_blocker):
            with override_settings(MEDIA_ROOT=media):
                listings, users = _make_world(*dict.fromkeys(_listing_key(s, e) for e, _m, s, _x in MATRIX))
            yield _pks(listings), _pks(users), media

    @pytest.fixture(autouse=True)
    def media_root(self, media_root, world):
        """Each case's own media directory starts with the world's files."""
        shutil.copytree(world[2], media_root, dirs_exist_ok=True)
        return media_root

    @pytest.mark.parametrize(("endpoint", "method", "status", "expected"), MATRIX)
    @pytest.mark.parametrize("role", ROLES)
    def test_permission_matrix(self, world, endpoint, method, status, expected, role):
        listing_pks, user_pks, _media = world
        listing = Listing.objects.get(pk=listing_pks[_listing_key(status, endpoint)])
        api = APIClient()
        api.force_authenticate(_user(user_pks[role]))
        before = _state(listing)
        response = _request(api, endpoint, method, listing)
        assert response.status_code == expected[role], f"{role} {method} {endpoint}: {response.content[:300]}"
        changed = _state(listing) != before
        assert changed == (method != "get" and response.status_code < 300), f"{role} {method} {endpoint}"
        if response.status_code == 404:
            assert listing.title_zh not in response.content.decode()


@pytest.mark.django_db
def test_the_owner_and_its_broker_see_the_draft_in_mine_and_no_one_else_does():
    listings, users = _make_world(("draft", ""))
    listing = listings[("draft", "")]
    for role, user in users.items():
        if user is None:
            continue
        api = APIClient()
        api.force_authenticate(user)
        ids = [row["id"] for row in api.get("/api/v1/listings/?mine=1").json()["results"]]
        assert ids == ([listing.pk] if role in ("owner_member", "owner_admin", "assigned_broker") else []), role
        assert api.get("/api/v1/listings/").json()["count"] == 0, role


# Inquiries -----------------------------------------------------------------------------------------------------

PARTIES = _row(403, 200, 200, 200, 404, 200, 404, 404)  # the SME member sent the inquiry
# (endpoint, status of the listing, expected per role). A listing the caller may not see is a 400 naming the
# listing field, exactly as one that does not exist; one they see but may not inquire about is a 403.
INQUIRY_MATRIX = [
    ("list", "published", _row(403, 200, 200, 200, 200, 200, 200, 200)),
    ("send", "published", _row(403, 201, 403, 403, 201, 403, 201, 201)),
    ("send", "draft", _row(403, 400, 403, 403, 400, 403, 400, 403)),
    ("send", "closed", _row(403, 403, 403, 403, 403, 403, 403, 403)),
    ("thread", "published", PARTIES),
    ("reply", "published", {**PARTIES, **{role: 201 for role, code in PARTIES.items() if code == 200}}),
    ("close", "published", PARTIES),
]


def _inquiry_state(listing) -> tuple:
    inquiries = Inquiry.objects.filter(listing=listing)
    return (inquiries.count(), InquiryMessage.objects.count(), sorted(inquiries.values_list("status", flat=True)))


ASKED = ("list", "thread", "reply", "close")  # the endpoints that act on the SME member's inquiry


def _inquiry_key(status: str, endpoint: str) -> tuple[str, str]:
    """The listing a case acts on: one per status, and a published one the SME member has asked about."""
    return status, "asked" if endpoint in ASKED else ""


@pytest.mark.django_db
class TestInquiryMatrix:
    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        """A listing for each key of the matrix, the same people for all, and the SME member's inquiry about
        the one asked about."""
        with built_once(django_db_blocker):
            listings, users = _make_world(*dict.fromkeys(_inquiry_key(s, e) for e, s, _x in INQUIRY_MATRIX))
            inquiries = {
                key: inquiry_services.inquiry_create(
                    actor=users["sme_member"],
                    listing=listing,
                    intended_use="用于产线升级",
                    budget="10-50",
                    timeline="3m",
                )
                for key, listing in listings.items()
                if key[1] == "asked"
            }
            yield _pks(listings), _pks(users), _pks(inquiries)

    @pytest.mark.parametrize(("endpoint", "status", "expected"), INQUIRY_MATRIX)
    @pytest.mark.parametrize("role", ROLES)
    def test_inquiry_permission_matrix(self, world, endpoint, status, expected, role):
        listing_pks, user_pks, inquiry_pks = world
        key = _inquiry_key(status, endpoint)
        listing = Listing.objects.get(pk=listing_pks[key])
        inquiry = Inquiry.objects.get(pk=inquiry_pks[key]) if key in inquiry_pks else None
        api = APIClient()
        api.force_authenticate(_user(user_pks[role]))
        before = _inquiry_state(listing)
        if endpoint == "list":
            response = api.get("/api/v1/inquiries/")
        elif endpoint == "send":
            body = {"listing": listing.pk, "intended_use": "用于产线升级", "budget": "10-50", "timeline": "3m"}
            response = api.post("/api/v1/inquiries/", body, format="json")
        elif endpoint == "thread":
            response = api.get(f"/api/v1/inquiries/{inquiry.pk}/")
        elif endpoint == "reply":
            response = api.post(f"/api/v1/inquiries/{inquiry.pk}/reply/", {"body": "您好"}, format="json")
        else:
            response = api.post(f"/api/v1/inquiries/{inquiry.pk}/close/")
        assert response.status_code == expected[role], f"{role} {endpoint} {status}: {response.content[:300]}"
        changed = _inquiry_state(listing) != before
        assert changed == (endpoint not in ("list", "thread") and response.status_code < 300), f"{role} {endpoint}"
        if endpoint == "list" and response.status_code == 200:
            ids = [row["id"] for row in response.json()["results"]]
            assert ids == ([inquiry.pk] if PARTIES[role] == 200 else []), role
        if response.status_code == 404:
            assert "用于产线升级" not in response.content.decode()


# Demands -------------------------------------------------------------------------------------------------------

# The SME member's enterprise posted the demand; the owner university (浙江大学) sent the proposal the decision
# rows act on; the other university sent none.
SEES_CLOSED = _row(404, 200, 200, 200, 404, 404, 404, 200)
SEES_PROPOSAL = _row(0, 1, 1, 1, 0, 0, 0, 1)
DECIDES = _row(403, 200, 403, 403, 404, 404, 404, 403)
DEMAND_MATRIX = [
    ("list", "get", "open", EVERYONE),
    ("retrieve", "get", "open", EVERYONE),
    ("retrieve", "get", "closed", SEES_CLOSED),
    ("create", "post", "open", _row(403, 201, 403, 403, 403, 403, 403, 403)),
    ("update", "patch", "open", _row(403, 200, 403, 403, 403, 403, 403, 403)),
    ("update", "patch", "closed", _row(403, 400, 403, 403, 404, 404, 404, 403)),
    ("close", "post", "open", _row(403, 200, 403, 403, 403, 403, 403, 200)),  # a moderator gives a reason
    ("proposals", "get", "open", EVERYONE),
    ("proposals", "get", "closed", SEES_CLOSED),
    ("propose", "post", "open", _row(403, 403, 201, 201, 201, 403, 403, 403)),
    ("shortlist", "post", "open", DECIDES),
    ("select", "post", "open", DECIDES),
]


def _demand_world(*keys: tuple[str, str]):
    """The people of ``_make_world`` and a published listing; for each (status, endpoint) key a demand of the SME
    member's enterprise, with the owner university's proposal (except for "propose")."""
    listings, users = _make_world(("published", ""))
    listing = listings[("published", "")]
    enterprise = users["sme_member"].memberships.get().organisation
    demands, proposals = {}, {}
    for status, endpoint in keys:
        demand = demand_services.demand_create(
            actor=None,
            organisation=enterprise,
            title="高倍率快充电池的热管理方案",
            problem="需要一种低成本的热管理方案。",
            field=TechnologyField.objects.get(slug="new-energy"),
            budget=None,
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        )
        proposal = None
        if endpoint != "propose":
            proposal = demand_services.proposal_create(
                actor=None, demand=demand, organisation=listing.organisation, summary="相变材料方案", listings=[listing]
            )
        if status == "closed":
            demand_services.demand_close(actor=None, demand=demand)
        demands[status, endpoint], proposals[status, endpoint] = demand, proposal
    return demands, proposals, users


def _demand_key(status: str, endpoint: str) -> tuple[str, str]:
    """The demand a case acts on: one per status, and an open one without a proposal to propose to."""
    return status, "propose" if endpoint == "propose" else ""


def _demand_state(demand) -> tuple:
    demand = Demand.objects.get(pk=demand.pk)
    statuses = sorted(Proposal.objects.values_list("status", flat=True))
    return Demand.objects.count(), demand.status, demand.title, statuses


@pytest.mark.django_db
class TestDemandMatrix:
    @pytest.fixture(scope="class")
    @classmethod
    def world(cls, django_db_setup, django_db_blocker):
        """A demand for each key of the matrix, and the same people for all."""
        with built_once(django_db_blocker):
            demands, proposals, users = _demand_world(
                *dict.fromkeys(_demand_key(s, e) for e, _m, s, _x in DEMAND_MATRIX)
            )
            yield _pks(demands), _pks(proposals), _pks(users)

    @pytest.mark.parametrize(("endpoint", "method", "status", "expected"), DEMAND_MATRIX)
    @pytest.mark.parametrize("role", ROLES)
    def test_demand_permission_matrix(self, world, endpoint, method, status, expected, role):
        demand_pks, proposal_pks, user_pks = world
        key = _demand_key(status, endpoint)
        demand = Demand.objects.get(pk=demand_pks[key])
        proposal = proposal_pks[key] and Proposal.objects.get(pk=proposal_pks[key])
        caller = _user(user_pks[role])
        api = APIClient()
        api.force_authenticate(caller)
        base = f"/api/v1/demands/{demand.pk}/"
        before = _demand_state(demand)
        if endpoint == "list":
            response = api.get("/api/v1/demands/")
        elif endpoint == "retrieve":
            response = api.get(base)
        elif endpoint == "create":
            body = {
                "organisation": demand.organisation_id,
                "title": "晶圆缺陷的在线检测",
                "problem": "需要在线检测晶圆表面缺陷。",
                "field": "integrated-circuits",
                "deadline": demand.deadline.isoformat(),
            }
            response = api.post("/api/v1/demands/", body, format="json")
        elif endpoint == "update":
            response = api.patch(base, {"title": "修改后的需求"}, format="json")
        elif endpoint == "close":
            response = api.post(f"{base}close/", {"reason": "重复发布"}, format="json")
        elif endpoint == "proposals":
            response = api.get(f"{base}proposals/")
        elif endpoint == "propose":
            suppliers = list(listing_permissions.supplier_organisations(caller)) if caller else []
            organisation = suppliers[0] if suppliers else demand.organisation
            response = api.post(
                f"{base}proposals/", {"organisation": organisation.pk, "summary": "方案"}, format="json"
            )
        else:
            response = api.post(f"{base}proposals/{proposal.pk}/{endpoint}/")
        assert response.status_code == expected[role], f"{role} {method} {endpoint} {status}: {response.content[:300]}"
        changed = _demand_state(demand) != before
        assert changed == (method != "get" and response.status_code < 300), f"{role} {method} {endpoint}"
        if endpoint == "proposals" and response.status_code == 200:
            assert len(response.json()) == SEES_PROPOSAL[role], role
        if response.status_code == 404:
            assert "高倍率快充电池" not in response.content.decode()
            assert "相变材料方案" not in response.content.decode()
