"""Pages of technology demands (企业出题 / 揭榜挂帅): the public list and page, the enterprise's forms and decisions,
the universities' proposals.

Open and selected demands are public; a closed one is a 404 for everyone but
its organisation, its proposers and the moderators. Proposals are shown only
to those :mod:`listings.permissions` lets see them; a proposal the user may
not see is a 404, one they see but may not decide on is a 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techmarket.accounts.models import Organisation
from techmarket.forms import add_model_errors
from techmarket.ratelimit import ratelimit_hit

from .. import hooks, permissions
from ..choices import DemandStatus
from ..exceptions import ListingError
from ..forms import ReasonForm
from ..forms_demands import DemandFilterForm, DemandForm, ProposalForm
from ..models import Demand, Proposal
from ..selectors import demands as selectors
from ..services import demands as services
from .filters import read_filters

PAGE_SIZE = 20


def _visible_demand(request: HttpRequest, pk: int) -> Demand:
    demand = selectors.demand_for_page(pk=pk, user=request.user)
    if demand is None:
        raise Http404
    return demand


def demand_list(request: HttpRequest) -> HttpResponse:
    form, cleaned = read_filters(request, DemandFilterForm)
    filters = selectors.DemandFilters(**cleaned)
    page = Paginator(selectors.public_demands(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    user = request.user
    return render(
        request,
        "listings/demand_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_post": not user.is_authenticated or permissions.demand_organisations(user).exists(),
        },
    )


# Who may propose, and why not --------------------------------------------------------------------------------


def _proposing_organisations(user, demand: Demand) -> tuple[list[Organisation], str]:
    """The user's organisations that may answer the demand now, and if there are none, the reason to show."""
    if not permissions.demand_takes_proposals(demand):
        return [], ""  # the page says so in its header
    if not user.is_authenticated:
        return [], ""  # the page invites them to sign in
    suppliers = [org for org in permissions.supplier_organisations(user) if org.pk != demand.organisation_id]
    if not suppliers:
        if permissions.can_manage_demand(user, demand):
            return [], ""  # a university's own demand: it decides, it does not answer
        return [], _("Only members of verified universities and research institutes can answer technology demands.")
    allowed = [org for org in suppliers if permissions.can_propose(user, demand, org)]
    if not allowed:
        return [], _("This demand takes proposals only from organisations in %(province)s.") % {
            "province": demand.province_name
        }
    answered = set(
        Proposal.objects.filter(demand=demand, organisation__in=allowed).values_list("organisation_id", flat=True)
    )
    remaining = [org for org in allowed if org.pk not in answered]
    if not remaining:
        return [], _("Your organisation has sent its proposal; you will find it below.")
    return remaining, ""


def _proposal_form(organisations: list[Organisation], data=None) -> ProposalForm:
    return ProposalForm(
        data,
        organisations=organisations,
        listings=selectors.proposable_listings([org.pk for org in organisations]),
    )


def _render_detail(request: HttpRequest, demand: Demand, *, form: ProposalForm | None = None, status: int = 200):
    user = request.user
    organisations, propose_note = _proposing_organisations(user, demand)
    if form is None and organisations:
        form = _proposal_form(organisations)
    can_manage = permissions.can_manage_demand(user, demand)
    proposals = list(selectors.proposals_for(demand, user))
    return render(
        request,
        "listings/demand_detail.html",
        {
            "demand": demand,
            "takes_proposals": permissions.demand_takes_proposals(demand),
            "can_manage": can_manage,
            # A moderator who is not of the organisation closes with a reason the enterprise is sent.
            "can_take_down": not can_manage and permissions.can_close_demand(user, demand),
            "can_decide": can_manage and demand.status == DemandStatus.OPEN,
            "sees_all_proposals": permissions.can_see_all_proposals(user, demand),
            "proposals": proposals,
            "proposal_form": form,
            "propose_note": propose_note,
            "matching": hooks.matching_listings(demand) if demand.status == DemandStatus.OPEN else [],
        },
        status=status,
    )


def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _visible_demand(request, pk))


# The enterprise's forms ---------------------------------------------------------------------------------------


def _organisation_for_new_demand(request: HttpRequest, organisations: list[Organisation]) -> Organisation:
    wanted = request.GET.get("org") or request.POST.get("org")
    if wanted:
        for organisation in organisations:
            if str(organisation.pk) == wanted:
                return organisation
        raise PermissionDenied
    return organisations[0]


@login_required
def demand_create(request: HttpRequest) -> HttpResponse:
    organisations = list(permissions.demand_organisations(request.user))
    if not organisations:
        messages.error(request, _("Only members of a verified organisation can post technology demands."))
        return redirect("accounts:dashboard")
    organisation = _organisation_for_new_demand(request, organisations)
    form = DemandForm(request.POST or None, instance=Demand(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            demand = services.demand_create(actor=request.user, organisation=organisation, **form.demand_fields())
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("Your demand is published. Universities and institutes can now answer it."))
            return redirect(demand)
    status = 200
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
        status = 400
    return render(
        request,
        "listings/demand_form.html",
        {"form": form, "organisation": organisation, "organisations": organisations, "demand": None},
        status=status,
    )


@login_required
def demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _visible_demand(request, pk)
    if not permissions.can_manage_demand(request.user, demand):
        raise PermissionDenied
    if demand.status != DemandStatus.OPEN:
        messages.error(request, _("Only an open demand can be changed."))
        return redirect(demand)
    form = DemandForm(request.POST or None, instance=demand)
    if request.method == "POST" and form.is_valid():
        try:
            services.demand_update(actor=request.user, demand=demand, **form.demand_fields())
        except ValidationError as error:
            add_model_errors(form, error)
        except ListingError as error:
            messages.error(request, str(error))
            return redirect(demand)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect(demand)
    status = 200
    if request.method == "POST":
        messages.error(request, _("Please correct the errors below."))
        status = 400
    return render(
        request,
        "listings/demand_form.html",
        {"form": form, "organisation": demand.organisation, "demand": demand},
        status=status,
    )


@login_required
@require_POST
def demand_close(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _visible_demand(request, pk)
    if not permissions.can_close_demand(request.user, demand):
        raise PermissionDenied
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.demand_close(actor=request.user, demand=demand, reason=reason)
    except ListingError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _render_detail(request, demand, status=400)
    else:
        messages.success(request, _("The demand is closed. Proposals still waiting have been told by e-mail."))
    return redirect(demand)


# Proposals ----------------------------------------------------------------------------------------------------


@login_required
@require_POST
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _visible_demand(request, pk)
    # All the user's universities and institutes, not only those allowed now, so that the service says why not.
    organisations = list(permissions.supplier_organisations(request.user))
    if not organisations:
        raise PermissionDenied
    form = _proposal_form(organisations, request.POST)
    if form.is_valid():
        ratelimit_hit(request=request, scope="proposal", account=str(request.user.pk))
        try:
            services.proposal_create(
                actor=request.user,
                demand=demand,
                organisation=form.cleaned_data["organisation"],
                summary=form.cleaned_data["summary"],
                listings=list(form.cleaned_data["listings"]),
            )
        except ListingError as error:
            messages.error(request, str(error))
            return redirect(demand)
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("Your proposal is sent. The enterprise has been told by e-mail."))
            return redirect(f"{demand.get_absolute_url()}#proposals")
    messages.error(request, _("Please correct the errors below."))
    return _render_detail(request, demand, form=form, status=400)


def _proposal_for_decision(request: HttpRequest, pk: int, proposal_pk: int) -> Proposal:
    demand = _visible_demand(request, pk)
    proposal = get_object_or_404(Proposal.objects.select_related("organisation"), pk=proposal_pk, demand=demand)
    proposal.demand = demand
    if not permissions.can_see_proposal(request.user, proposal):
        raise Http404
    if not permissions.can_manage_demand(request.user, demand):
        raise PermissionDenied
    return proposal


@login_required
@require_POST
def proposal_shortlist(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = _proposal_for_decision(request, pk, proposal_pk)
    try:
        services.proposal_shortlist(actor=request.user, proposal=proposal)
    except ListingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(organisation)s is on the shortlist and has been told by e-mail.")
            % {"organisation": proposal.organisation.display_name},
        )
    return redirect(f"{proposal.demand.get_absolute_url()}#proposals")


@login_required
@require_POST
def proposal_select(request: HttpRequest, pk: int, proposal_pk: int) -> HttpResponse:
    proposal = _proposal_for_decision(request, pk, proposal_pk)
    try:
        services.proposal_select(actor=request.user, proposal=proposal)
    except ListingError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(organisation)s is selected. Every organisation that sent a proposal has been told by e-mail.")
            % {"organisation": proposal.organisation.display_name},
        )
    return redirect(f"{proposal.demand.get_absolute_url()}#proposals")


urlpatterns = [
    path("demands/", demand_list, name="demand_list"),
    path("demands/new/", demand_create, name="demand_create"),
    path("demands/<int:pk>/", demand_detail, name="demand_detail"),
    path("demands/<int:pk>/edit/", demand_edit, name="demand_edit"),
    path("demands/<int:pk>/close/", demand_close, name="demand_close"),
    path("demands/<int:pk>/propose/", proposal_create, name="proposal_create"),
    path("demands/<int:pk>/proposals/<int:proposal_pk>/shortlist/", proposal_shortlist, name="proposal_shortlist"),
    path("demands/<int:pk>/proposals/<int:proposal_pk>/select/", proposal_select, name="proposal_select"),
]
