"""Writes to technology demands (企业出题 / 揭榜挂帅) and the proposals that answer them.

An organisation (typically an enterprise) posts a demand with a deadline; the
members of verified universities and institutes answer it with a proposal,
which may point to their own published listings; the demand's organisation
shortlists proposals and selects one, which declines the others and marks the
demand as having its solver.

Rows whose status changes are locked, always the demand first and then its
proposals, so that two people selecting at once, or a proposal arriving while
the demand is closed, cannot both win. ``actor=None`` is the platform itself
(the demo seed, other apps' services that checked their own permissions): it
skips the permission checks but not the rules of the demand.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from techmarket.accounts.choices import SUPPLIER_KINDS
from techmarket.accounts.models import Membership, Organisation
from techmarket.audit.services import audit_record
from techmarket.notifications import absolute_url, email_on_commit
from techmarket.regions.models import TechnologyField

from .. import permissions
from ..choices import DemandStatus, ListingStatus, ProposalStatus
from ..exceptions import ListingError
from ..models import Demand, Listing, Proposal

# What the demand's organisation writes; status and province are the platform's.
DEMAND_FIELDS = ("title", "problem", "field", "budget", "deadline", "open_to_all_provinces")

# Proposals still waiting for the enterprise's decision.
PENDING_PROPOSALS = (ProposalStatus.SUBMITTED, ProposalStatus.SHORTLISTED)

# Why something cannot be done now, by the status that prevents it (whole sentences, for the translators).
_NO_CHANGES = {
    DemandStatus.SELECTED: gettext_lazy("This demand has selected its solver; it can no longer be changed."),
    DemandStatus.CLOSED: gettext_lazy("This demand is closed; it can no longer be changed."),
}
_NO_PROPOSALS = {
    DemandStatus.SELECTED: gettext_lazy("This demand has selected its solver and takes no more proposals."),
    DemandStatus.CLOSED: gettext_lazy("This demand is closed and takes no more proposals."),
}
_NO_DECISIONS = {
    DemandStatus.SELECTED: gettext_lazy("This demand has selected its solver; its proposals can no longer change."),
    DemandStatus.CLOSED: gettext_lazy("This demand is closed; its proposals can no longer change."),
}
_NO_SHORTLIST = {
    ProposalStatus.SHORTLISTED: gettext_lazy("This proposal is already on the shortlist."),
    ProposalStatus.SELECTED: gettext_lazy("This proposal is already selected."),
    ProposalStatus.DECLINED: gettext_lazy("This proposal was declined; it cannot be shortlisted."),
}
_NO_SELECTION = {
    ProposalStatus.SELECTED: gettext_lazy("This proposal is already selected."),
    ProposalStatus.DECLINED: gettext_lazy("This proposal was declined; it cannot be selected."),
}


def _check(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def validate_deadline(deadline: datetime.date | None) -> None:
    """A new deadline must be after today (the forms call this too, to show it with their other errors)."""
    if deadline is not None and deadline <= timezone.localdate():
        raise ValidationError(
            {"deadline": _("The deadline must be a date after today, so that universities have time to answer.")}
        )


def _member_emails(organisation: Organisation) -> list[str]:
    memberships = Membership.objects.active().filter(organisation=organisation).select_related("user")
    return [membership.user.email for membership in memberships if membership.user.is_active]


def _date(value: datetime.date) -> str:
    return formats.date_format(value, "Y-m-d")


@transaction.atomic
def demand_create(
    *,
    actor,
    organisation: Organisation,
    title: str,
    problem: str,
    field: TechnologyField,
    budget: Decimal | None,
    deadline: datetime.date,
    open_to_all_provinces: bool = True,
) -> Demand:
    """Post a demand on behalf of the organisation; it is open for proposals until its deadline."""
    if actor is not None:
        _check(permissions.can_post_demand(actor, organisation))
    demand = Demand(
        organisation=organisation,
        province=organisation.province,
        title=title,
        problem=problem,
        field=field,
        budget=budget,
        deadline=deadline,
        open_to_all_provinces=open_to_all_provinces,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _validate(demand)
    demand.save()
    audit_record(actor=actor, action="demand.create", target=demand, summary=demand.title)
    return demand


def _validate(demand: Demand, *, deadline_changed: bool = True) -> None:
    errors: dict[str, list] = {}
    checks = [demand.full_clean]
    if deadline_changed:
        checks.append(lambda: validate_deadline(demand.deadline))
    for check in checks:
        try:
            check()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    if message not in errors.get(name, []):
                        errors.setdefault(name, []).append(message)
    if errors:
        raise ValidationError(errors)


def _lock_demand(pk: int) -> Demand:
    return Demand.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=pk)


@transaction.atomic
def demand_update(*, actor, demand: Demand, **fields) -> Demand:
    """Change what the organisation wrote, while the demand is open. A new deadline must be after today."""
    unknown = set(fields) - set(DEMAND_FIELDS)
    if unknown:
        raise TypeError(f"not demand fields: {sorted(unknown)}")
    demand = _lock_demand(demand.pk)
    if actor is not None:
        _check(permissions.can_manage_demand(actor, demand))
    if demand.status != DemandStatus.OPEN:
        raise ListingError(str(_NO_CHANGES[demand.status]))
    changed = sorted(name for name, value in fields.items() if getattr(demand, name) != value)
    for name, value in fields.items():
        setattr(demand, name, value)
    _validate(demand, deadline_changed="deadline" in changed)
    demand.save()
    audit_record(
        actor=actor,
        action="demand.update",
        target=demand,
        summary=", ".join(str(Demand._meta.get_field(name).verbose_name) for name in changed),
        data={"fields": changed},
    )
    return demand


@transaction.atomic
def demand_close(*, actor, demand: Demand, reason: str = "") -> Demand:
    """Close the demand: it leaves the public list, and proposals still waiting are declined (and told so).

    A moderator who is not of the demand's organisation closes it with a reason, which is e-mailed to the
    organisation's members.
    """
    demand = _lock_demand(demand.pk)
    reason = reason.strip()
    by_moderator = actor is not None and not permissions.can_manage_demand(actor, demand)
    if actor is not None:
        _check(permissions.can_close_demand(actor, demand))
    if by_moderator and not reason:
        raise ValidationError({"reason": _("Say why the demand is closed; the enterprise is told.")})
    if demand.status == DemandStatus.CLOSED:
        raise ListingError(_("This demand is already closed."))
    previous = demand.status
    demand.status = DemandStatus.CLOSED
    demand.save(update_fields=["status"])
    declined = _decline(demand, _pending_proposals(demand))
    audit_record(
        actor=actor,
        action="demand.close",
        target=demand,
        summary=f"{demand.title}: {reason}" if reason else demand.title,
        data={"from": previous, "declined": [proposal.pk for proposal in declined], "reason": reason},
    )
    if by_moderator:
        email_on_commit(
            template="demand_closed_by_moderator",
            to=_member_emails(demand.organisation),
            context={"title": demand.title, "reason": reason, "url": absolute_url(demand.get_absolute_url())},
        )
    return demand


def _pending_proposals(demand: Demand):
    """The demand's proposals still waiting for a decision, locked (the demand is locked before them)."""
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(demand=demand, status__in=PENDING_PROPOSALS)
        .order_by("pk")
    )


def _decline(demand: Demand, proposals: Iterable[Proposal]) -> list[Proposal]:
    declined = list(proposals)
    Proposal.objects.filter(pk__in=[proposal.pk for proposal in declined]).update(status=ProposalStatus.DECLINED)
    for proposal in declined:
        proposal.status = ProposalStatus.DECLINED
        _notify_proposer(proposal, demand, "proposal_declined")
    return declined


# Proposals ------------------------------------------------------------------------------------------------------


def _check_can_propose(demand: Demand, organisation: Organisation) -> None:
    """The rules of the demand, each refused with a message the university can act on."""
    if organisation.kind not in SUPPLIER_KINDS or not organisation.is_verified:
        raise ListingError(_("Only verified universities and research institutes can answer technology demands."))
    if organisation.pk == demand.organisation_id:
        raise ListingError(_("An organisation cannot answer its own demand."))
    if demand.status != DemandStatus.OPEN:
        raise ListingError(str(_NO_PROPOSALS[demand.status]))
    if demand.deadline < timezone.localdate():
        raise ListingError(
            _("Proposals for this demand were due on %(date)s; the deadline has passed.")
            % {"date": _date(demand.deadline)}
        )
    if not demand.open_to_all_provinces and organisation.province != demand.province:
        raise ListingError(
            _("This demand takes proposals only from organisations in %(province)s.")
            % {"province": demand.province_name}
        )
    if Proposal.objects.filter(demand=demand, organisation=organisation).exists():
        raise ListingError(
            _("%(organisation)s has already sent a proposal for this demand.")
            % {"organisation": organisation.display_name}
        )


def _check_listings(organisation: Organisation, listings: Sequence[Listing]) -> None:
    foreign = [listing for listing in listings if listing.organisation_id != organisation.pk]
    unpublished = [
        listing
        for listing in listings
        if listing.organisation_id == organisation.pk and listing.status != ListingStatus.PUBLISHED
    ]
    errors = []
    if foreign:
        errors.append(
            _("A proposal can only point to your own organisation's listings, not to: %(titles)s.")
            % {"titles": "、".join(listing.title_zh for listing in foreign)}
        )
    if unpublished:
        errors.append(
            _("Only published listings can be part of a proposal; not yet (or no longer) published: %(titles)s.")
            % {"titles": "、".join(listing.title_zh for listing in unpublished)}
        )
    if errors:
        raise ValidationError({"listings": errors})


@transaction.atomic
def proposal_create(
    *, actor, demand: Demand, organisation: Organisation, summary: str, listings: Sequence[Listing] = ()
) -> Proposal:
    """Answer the demand on behalf of a university or institute, pointing to its own published listings."""
    demand = _lock_demand(demand.pk)  # serialises with select and close, and with a second proposal of the same body
    if actor is not None:
        _check(permissions.is_member(actor, organisation))
    _check_can_propose(demand, organisation)
    if actor is not None:
        _check(permissions.can_propose(actor, demand, organisation))
    # Read afresh: the caller's objects may be older than a withdrawal that happened since.
    listings = list(Listing.objects.filter(pk__in=[listing.pk for listing in listings]).order_by("pk"))
    _check_listings(organisation, listings)
    proposal = Proposal(
        demand=demand,
        organisation=organisation,
        summary=summary,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    proposal.full_clean(validate_unique=False, validate_constraints=False)  # uniqueness checked above, under lock
    proposal.save()
    proposal.listings.set(listings)
    audit_record(
        actor=actor,
        action="proposal.create",
        target=proposal,
        summary=f"{organisation.name_zh} → {demand.title}",
        data={"demand": demand.pk, "listings": [listing.pk for listing in listings]},
    )
    email_on_commit(
        template="demand_proposal_received",
        to=_member_emails(demand.organisation),
        context={
            "title": demand.title,
            "organisation": organisation.name_zh,
            "url": absolute_url(demand.get_absolute_url()),
        },
    )
    return proposal


def _lock_proposal(proposal: Proposal) -> tuple[Demand, Proposal]:
    demand = _lock_demand(proposal.demand_id)
    proposal = Proposal.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=proposal.pk)
    return demand, proposal


def _check_decision(demand: Demand) -> None:
    if demand.status != DemandStatus.OPEN:
        raise ListingError(str(_NO_DECISIONS[demand.status]))


def _notify_proposer(proposal: Proposal, demand: Demand, template: str) -> None:
    email_on_commit(
        template=template,
        to=_member_emails(proposal.organisation),
        context={
            "title": demand.title,
            "enterprise": demand.organisation.name_zh,
            "organisation": proposal.organisation.name_zh,
            "url": absolute_url(demand.get_absolute_url()),
            "demands_url": absolute_url(reverse("listings:demand_list")),
        },
    )


@transaction.atomic
def proposal_shortlist(*, actor, proposal: Proposal) -> Proposal:
    """Put a proposal on the demand's shortlist and tell its organisation."""
    demand, proposal = _lock_proposal(proposal)
    if actor is not None:
        _check(permissions.can_manage_demand(actor, demand))
    _check_decision(demand)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise ListingError(str(_NO_SHORTLIST[proposal.status]))
    proposal.status = ProposalStatus.SHORTLISTED
    proposal.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="proposal.shortlist",
        target=proposal,
        summary=f"{proposal.organisation.name_zh} → {demand.title}",
        data={"demand": demand.pk},
    )
    _notify_proposer(proposal, demand, "proposal_shortlisted")
    return proposal


@transaction.atomic
def proposal_select(*, actor, proposal: Proposal) -> Proposal:
    """Select the proposal that solves the demand: the demand has its solver and every other proposal is declined."""
    demand, proposal = _lock_proposal(proposal)
    if actor is not None:
        _check(permissions.can_manage_demand(actor, demand))
    _check_decision(demand)
    if proposal.status not in PENDING_PROPOSALS:
        raise ListingError(str(_NO_SELECTION[proposal.status]))
    proposal.status = ProposalStatus.SELECTED
    proposal.save(update_fields=["status"])
    demand.status = DemandStatus.SELECTED
    demand.save(update_fields=["status"])
    declined = _decline(demand, _pending_proposals(demand).exclude(pk=proposal.pk))
    audit_record(
        actor=actor,
        action="proposal.select",
        target=proposal,
        summary=f"{proposal.organisation.name_zh} → {demand.title}",
        data={"demand": demand.pk, "declined": [other.pk for other in declined]},
    )
    _notify_proposer(proposal, demand, "proposal_selected")
    return proposal
