"""Reads for accounts and organisations."""

from django.db.models import Count, Q, QuerySet

from .choices import SUPPLIER_KINDS, MembershipStatus, OrganisationKind
from .models import Membership, Organisation, OrganisationChangeRequest, User


def organisation_list(*, province: str = "", kind: str = "", verified_only: bool = True) -> QuerySet[Organisation]:
    qs = Organisation.objects.all()
    if verified_only:
        qs = qs.verified()
    if province:
        qs = qs.in_province(province)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("province", "name_zh")


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("status", "-role", "user__name")


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return user.memberships.select_related("organisation").order_by("-status", "organisation__name_zh")


def organisations_awaiting_verification() -> QuerySet[Organisation]:
    return (
        Organisation.objects.awaiting_verification()
        .annotate(member_count=Count("memberships", filter=Q(memberships__status=MembershipStatus.ACTIVE)))
        .order_by("created_at")
    )


def organisation_changes_awaiting_decision() -> QuerySet[OrganisationChangeRequest]:
    """Pending change requests of verified organisations, oldest first, for the platform staff's queue."""
    return (
        OrganisationChangeRequest.objects.pending()
        .select_related("organisation", "requested_by")
        .order_by("requested_at", "id")
    )


def organisation_pending_change(*, organisation: Organisation) -> OrganisationChangeRequest | None:
    return organisation.change_requests.pending().select_related("requested_by").first()


def organisation_counts_by_province() -> dict[str, dict[str, int]]:
    """Verified suppliers (universities, institutes) and enterprises per province code, in one query."""
    rows = (
        Organisation.objects.verified()
        .values("province")
        .annotate(
            suppliers=Count("id", filter=Q(kind__in=SUPPLIER_KINDS)),
            enterprises=Count("id", filter=Q(kind=OrganisationKind.ENTERPRISE)),
        )
        .order_by()
    )
    return {row["province"]: row for row in rows}
