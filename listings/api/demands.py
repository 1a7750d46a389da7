"""Technology demands (企业出题 / 揭榜挂帅) through the API, and the proposals that answer them.

Open and selected demands are public; a closed one is a 404 for everyone but
its organisation, its proposers and the moderators (``permissions.can_view_demand``).
Proposals are not public: the demand's organisation and the moderators see
them all, a proposing organisation's members their own, nobody else any; a
proposal the caller may not see is a 404, one they see but may not decide on
a 403. Writes go through ``services.demands``; a refusal of the demand's rules
(closed, deadline passed, province, already answered) is a 400 saying why.

The schema's descriptions are for developers and stay in English; messages
that reach a response are translated.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from techmarket.accounts.models import Organisation
from techmarket.ratelimit import ratelimit_hit
from techmarket.regions import gbt2260
from techmarket.regions.fields import TechnologyFieldSlug

from .. import permissions
from ..choices import DemandStatus
from ..models import Demand, Proposal
from ..selectors import demands as selectors
from ..services import demands as services
from .listings import (
    AbsoluteURLField,
    FieldRefSerializer,
    OrganisationRefSerializer,
    ProvinceRefSerializer,
)

LISTED_STATUSES = [(status.value, status.label) for status in (DemandStatus.OPEN, DemandStatus.SELECTED)]

# Representation ------------------------------------------------------------------------------------------------


class DemandSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField(source="get_absolute_url", help_text="The demand's public page.")
    organisation = OrganisationRefSerializer(help_text="The organisation that posted it.")
    province = ProvinceRefSerializer(source="*", help_text="The organisation's province.")
    field = FieldRefSerializer(help_text="Technology field.")
    budget = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="In yuan; null when negotiable."
    )
    takes_proposals = serializers.SerializerMethodField(
        help_text="Open and its deadline (the last day proposals are due) not yet past."
    )
    proposal_count = serializers.IntegerField(help_text="How many proposals it has received.")

    class Meta:
        model = Demand
        fields = [
            "id",
            "url",
            "title",
            "problem",
            "organisation",
            "province",
            "field",
            "budget",
            "deadline",
            "open_to_all_provinces",
            "status",
            "takes_proposals",
            "proposal_count",
            "created_at",
        ]
        read_only_fields = fields

    def get_takes_proposals(self, demand: Demand) -> bool:
        return permissions.demand_takes_proposals(demand)


class ListingLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="In the response's language when it has one.")
    url = AbsoluteURLField(source="get_absolute_url")


class ProposalSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(help_text="The university or institute that answers.")
    listings = ListingLinkSerializer(
        many=True, source="published_listings", help_text="Its published listings the proposal builds on."
    )

    class Meta:
        model = Proposal
        fields = ["id", "organisation", "summary", "status", "listings", "created_at"]
        read_only_fields = fields


# Writes and query parameters -----------------------------------------------------------------------------------


class DemandCreateSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        help_text="Id of a verified organisation the caller is a member of, on whose behalf the demand is posted.",
    )
    field = TechnologyFieldSlug()
    budget = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        required=False,
        default=None,
        help_text="In yuan; null or absent for negotiable.",
    )

    class Meta:
        model = Demand
        fields = ["organisation", *services.DEMAND_FIELDS]
        extra_kwargs = {"deadline": {"help_text": "The last day proposals are accepted; a date after today."}}


class DemandUpdateSerializer(DemandCreateSerializer):
    organisation = None  # a demand stays with its organisation

    class Meta(DemandCreateSerializer.Meta):
        fields = list(services.DEMAND_FIELDS)


class ProposalCreateSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        help_text="Id of the verified university or institute the caller answers for.",
    )
    listings = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        default=list,
        help_text="Ids of that organisation's published listings the proposal builds on.",
    )

    class Meta:
        model = Proposal
        fields = ["organisation", "summary", "listings"]

    def validate(self, attrs):
        wanted = list(dict.fromkeys(attrs.get("listings", [])))
        found = {listing.pk: listing for listing in selectors.proposable_listings([attrs["organisation"].pk])}
        missing = [str(pk) for pk in wanted if pk not in found]
        if missing:
            raise serializers.ValidationError(
                {
                    "listings": _("Not published listings of %(organisation)s: %(ids)s.")
                    % {"organisation": attrs["organisation"].display_name, "ids": ", ".join(missing)}
                }
            )
        return {**attrs, "listings": [found[pk] for pk in wanted]}


class DemandQuerySerializer(serializers.Serializer):
    province = serializers.ChoiceField(
        choices=gbt2260.province_choices(), required=False, help_text="GB/T 2260 code of the organisation's province."
    )
    field = TechnologyFieldSlug(required=False)
    status = serializers.ChoiceField(choices=LISTED_STATUSES, required=False, help_text="Both when absent.")
    open_to_all = serializers.BooleanField(
        required=False, default=False, help_text="Only demands that take proposals from every province."
    )
    sort = serializers.ChoiceField(
        choices=[(sort, sort) for sort in selectors.SORTS],
        required=False,
        default="newest",
        help_text="newest first, or deadline: those still taking proposals first, the soonest due first.",
    )

    def filters(self) -> selectors.DemandFilters:
        data = self.validated_data
        return selectors.DemandFilters(
            province=data.get("province", ""),
            field=data["field"].slug if data.get("field") else "",
            status=data.get("status", ""),
            open_to_all=data["open_to_all"],
            sort=data["sort"],
        )


# Views ---------------------------------------------------------------------------------------------------------

DEMAND_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The demand's id.")
PROPOSAL_ID = OpenApiParameter("proposal_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class DemandCloseSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why the demand is closed; required from a moderator, and sent to the organisation.",
    )


@extend_schema_view(
    list=extend_schema(
        parameters=[DemandQuerySerializer],
        responses={200: DemandSerializer},
        description="Open and selected demands (closed ones leave the list).",
    ),
    retrieve=extend_schema(
        parameters=[DEMAND_ID],
        responses={200: DemandSerializer},
        description="A demand. A closed one is shown only to its organisation, its proposers and the moderators.",
    ),
    create=extend_schema(
        request=DemandCreateSerializer,
        responses={201: DemandSerializer},
        description="Post a demand on behalf of a verified organisation; it takes proposals until its deadline.",
    ),
    update=extend_schema(
        parameters=[DEMAND_ID],
        request=DemandUpdateSerializer,
        responses={200: DemandSerializer},
        description="Change the demand while it is open (its organisation's members).",
    ),
    partial_update=extend_schema(
        parameters=[DEMAND_ID],
        request=DemandUpdateSerializer,
        responses={200: DemandSerializer},
        description="Change some of the demand while it is open (its organisation's members).",
    ),
)
class DemandViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Technology demands that enterprises put to the market, and the universities' proposals."""

    serializer_class = DemandSerializer
    queryset = Demand.objects.all()  # the model, for the schema; each action reads through the selectors
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Demand.objects.none()
        query = DemandQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return selectors.public_demands(query.filters())

    def _visible(self, pk) -> Demand:
        demand = selectors.demand_for_page(pk=pk, user=self.request.user)
        if demand is None:
            raise NotFound(_("No such demand."))
        return demand

    def get_object(self) -> Demand:
        return self._visible(self.kwargs[self.lookup_url_kwarg or self.lookup_field])

    def _managed(self, pk) -> Demand:
        demand = self._visible(pk)
        if not permissions.can_manage_demand(self.request.user, demand):
            raise PermissionDenied(_("Only the demand's organisation can do this."))
        return demand

    def _represent(self, pk, **kwargs) -> Response:
        demand = self._visible(pk)
        demand.proposal_count = demand.proposals.count()
        return Response(DemandSerializer(demand, context=self.get_serializer_context()).data, **kwargs)

    def retrieve(self, request, pk=None):
        return self._represent(pk)

    def create(self, request):
        serializer = DemandCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        demand = services.demand_create(actor=request.user, organisation=data.pop("organisation"), **data)
        return self._represent(demand.pk, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        demand = self._managed(pk)
        serializer = DemandUpdateSerializer(demand, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.demand_update(actor=request.user, demand=demand, **serializer.validated_data)
        return self._represent(pk)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(
        parameters=[DEMAND_ID],
        request=DemandCloseSerializer,
        responses={200: DemandSerializer},
        description="Close the demand: it leaves the public list, and the proposals still waiting are declined. "
        "The demand's organisation closes it; a moderator may too, with a reason the organisation is sent.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        demand = self._visible(pk)
        if not permissions.can_close_demand(request.user, demand):
            raise PermissionDenied(_("Only the demand's organisation can do this."))
        serializer = DemandCloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.demand_close(actor=request.user, demand=demand, **serializer.validated_data)
        return self._represent(pk)

    # Proposals

    @extend_schema(
        methods=["GET"],
        parameters=[DEMAND_ID],
        responses={200: ProposalSerializer(many=True)},
        description="The proposals the caller may see: all of them for the demand's organisation and the "
        "moderators, its own for a proposing organisation, none for anyone else.",
    )
    @extend_schema(
        methods=["POST"],
        parameters=[DEMAND_ID],
        request=ProposalCreateSerializer,
        responses={201: ProposalSerializer},
        description="Answer the demand on behalf of a verified university or institute (one proposal each); the "
        "demand's organisation is told by e-mail.",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def proposals(self, request, pk=None):
        demand = self._visible(pk)
        if request.method == "GET":
            visible = selectors.proposals_for(demand, request.user)
            return Response(ProposalSerializer(visible, many=True, context=self.get_serializer_context()).data)
        if not permissions.supplier_organisations(request.user).exists():
            raise PermissionDenied(
                _("Only members of verified universities and research institutes can answer technology demands.")
            )
        serializer = ProposalCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ratelimit_hit(request=request, scope="proposal", account=str(request.user.pk))
        proposal = services.proposal_create(actor=request.user, demand=demand, **serializer.validated_data)
        return Response(self._proposal_data(demand, proposal.pk), status=status.HTTP_201_CREATED)

    def _proposal_data(self, demand: Demand, proposal_pk: int) -> dict:
        proposal = selectors.proposals_for(demand, self.request.user).get(pk=proposal_pk)
        return ProposalSerializer(proposal, context=self.get_serializer_context()).data

    def _decide(self, pk, proposal_id, service) -> Response:
        demand = self._visible(pk)
        proposal = Proposal.objects.select_related("organisation").filter(pk=proposal_id, demand=demand).first()
        if proposal is not None:
            proposal.demand = demand
        if proposal is None or not permissions.can_see_proposal(self.request.user, proposal):
            raise NotFound(_("No such proposal."))
        if not permissions.can_manage_demand(self.request.user, demand):
            raise PermissionDenied(_("Only the demand's organisation can do this."))
        service(actor=self.request.user, proposal=proposal)
        return Response(self._proposal_data(demand, proposal.pk))

    @extend_schema(
        parameters=[DEMAND_ID, PROPOSAL_ID],
        request=None,
        responses={200: ProposalSerializer},
        description="Put the proposal on the shortlist; its organisation is told by e-mail.",
    )
    @action(detail=True, methods=["post"], url_path=r"proposals/(?P<proposal_id>[0-9]+)/shortlist")
    def shortlist(self, request, pk=None, proposal_id=None):
        return self._decide(pk, proposal_id, services.proposal_shortlist)

    @extend_schema(
        parameters=[DEMAND_ID, PROPOSAL_ID],
        request=None,
        responses={200: ProposalSerializer},
        description="Select the proposal that solves the demand: the demand has its solver and every other "
        "proposal still waiting is declined.",
    )
    @action(detail=True, methods=["post"], url_path=r"proposals/(?P<proposal_id>[0-9]+)/select")
    def select(self, request, pk=None, proposal_id=None):
        return self._decide(pk, proposal_id, services.proposal_select)
