"""Who may do what in licensing. Views, services, selectors and the API ask here.

Membership of an organisation is read from the object permissions the
membership services keep in django-guardian (``accounts.view_members`` for each
active member, ``accounts.change_organisation`` for its administrators), so a
licence's parties are the members of its licensor and licensee organisations.
Finance staff confirm bank transfers (``licensing.confirm_payment``) and refund
payments (``licensing.refund_payment``); fund
staff top up the risk funds and decide claims (``licensing.manage_fund``): both
global permissions of the ``licensing-finance`` group.

Licences, agreements, reports and payments are their parties' business: to
everyone else they do not exist (404).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from techmarket.accounts.choices import MembershipStatus, OrganisationKind

FINANCE_GROUP = "licensing-finance"
FINANCE_PERMISSIONS = (
    "confirm_payment",
    "refund_payment",
    "view_payment",
    "view_transaction",
    "view_stripeevent",
    "manage_fund",
    "view_riskfund",
    "view_fundmovement",
    "view_claim",
    "view_agreement",
    "view_openlicence",
    "view_declaration",
)


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


def is_member(user, organisation) -> bool:
    return _authenticated(user) and organisation is not None and user.has_perm("accounts.view_members", organisation)


def is_admin(user, organisation) -> bool:
    return (
        _authenticated(user)
        and organisation is not None
        and user.has_perm("accounts.change_organisation", organisation)
    )


def can_confirm_payments(user) -> bool:
    return _authenticated(user) and user.has_perm("licensing.confirm_payment")


def can_refund_payments(user) -> bool:
    """Finance staff return payments to their payers (the Payment admin's "Refund" action)."""
    return _authenticated(user) and user.has_perm("licensing.refund_payment")


def can_manage_fund(user) -> bool:
    return _authenticated(user) and user.has_perm("licensing.manage_fund")


def enterprise_organisations(user):
    """The verified enterprises the user is an active member of: those that may take licences."""
    from techmarket.accounts.models import Organisation

    if not _authenticated(user):
        return Organisation.objects.none()
    return Organisation.objects.verified().filter(
        kind=OrganisationKind.ENTERPRISE, memberships__user=user, memberships__status=MembershipStatus.ACTIVE
    )


def is_party(user, obj) -> bool:
    """A member of the licensor or the licensee (an open licence, an agreement), or of a payment's payer or payee."""
    sides = (getattr(obj, "licensor", None), getattr(obj, "licensee", None))
    if not any(sides):
        sides = (getattr(obj, "payer", None), getattr(obj, "payee", None))
    return any(is_member(user, side) for side in sides if side is not None)


def can_view(user, obj) -> bool:
    """Its parties, and the finance staff."""
    return is_party(user, obj) or can_confirm_payments(user) or can_manage_fund(user)


def party_filter(user, licensor: str = "licensor", licensee: str = "licensee") -> Q:
    """A filter for the rows the user is a party to (for selectors); matches nothing for anonymous users."""
    if not _authenticated(user):
        return Q(pk__in=[])
    active = {"memberships__user": user, "memberships__status": MembershipStatus.ACTIVE}
    from techmarket.accounts.models import Organisation

    mine = Organisation.objects.filter(**active).values("pk")
    return Q(**{f"{licensor}__in": mine}) | Q(**{f"{licensee}__in": mine})


def finance_emails() -> list[str]:
    """Who to tell when money needs the finance staff (a claim to decide, a fee to refund)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(groups__name=FINANCE_GROUP, is_active=True)
    return list(users.exclude(email="").values_list("email", flat=True))


def finance_group() -> Group:
    """The finance staff's group with its permissions (created on first use)."""
    group, _created = Group.objects.get_or_create(name=FINANCE_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="licensing", codename__in=FINANCE_PERMISSIONS)
    )
    return group


def finance_group_after_migrate(sender, using, **kwargs) -> None:
    """A post_migrate receiver: the licensing permissions exist (creating them is idempotent), then the group."""
    from django.contrib.auth.management import create_permissions

    create_permissions(sender, verbosity=0, using=using)
    finance_group()
