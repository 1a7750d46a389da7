"""Read-only REST endpoints of the registry: patents and their history, ledger entries, flows, targets.

Everything here is read-only, and public but for the licence contracts awaiting
recordal (registry clerks only): the registry is a public record. Query
parameters are validated by small serializers, so a bad value is a 400 naming
the parameter, never a 500. Lists are paginated (the project's page-number
pagination) and make a fixed number of queries whatever their length. The
schema's descriptions are for developers and stay in English; messages that
reach a response are translated.
"""

from __future__ import annotations

import datetime
import string

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from . import permissions, selectors
from .choices import (
    REGIONS,
    TRANSFER_KINDS,
    EntryKind,
    LegalStatus,
    LicenceType,
    PatentType,
    TargetComparison,
    TargetMetric,
)
from .models import LicenceRecordal, Patent, RegistryEntry, Target
from .numbers import OLD_FORMAT_YEARS, WRITTEN_FORM_PATTERN, InvalidPatentNumber, parse_application_number

IPC_SECTIONS = tuple(string.ascii_uppercase[:8])  # A-H
REGION_CHOICES = [(code, code) for code in REGIONS]


def _query(serializer_class, request) -> dict:
    """Validated query parameters. A plain dict, so that an absent boolean stays absent rather than False."""
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return {name: value for name, value in serializer.validated_data.items() if value not in (None, "")}


def _canonical_number(text: str, field: str) -> str:
    try:
        return parse_application_number(text).canonical
    except InvalidPatentNumber as error:
        raise ValidationError({field: [str(error)]}) from error


# Serializers ---------------------------------------------------------------------------------------------------


class RightHolderSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    name = serializers.CharField(source="organisation.name_zh")
    share = serializers.DecimalField(max_digits=5, decimal_places=2, help_text="Share in per cent.")


class PatentSerializer(serializers.ModelSerializer):
    patent_number = serializers.SerializerMethodField(
        help_text="ZL followed by the application number, once the patent is granted."
    )
    type = serializers.ChoiceField(source="patent_type", choices=PatentType.choices)
    ipc_codes = serializers.ListField(child=serializers.CharField(), help_text="e.g. H01M 10/0525")
    inventors = serializers.ListField(child=serializers.CharField())
    right_holders = RightHolderSerializer(many=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True, help_text="The patent's page on the site.")

    class Meta:
        model = Patent
        fields = [
            "application_number",
            "patent_number",
            "title",
            "type",
            "filing_date",
            "grant_date",
            "legal_status",
            "ipc_codes",
            "inventors",
            "right_holders",
            "annual_fee_paid_until",
            "url",
        ]

    def get_patent_number(self, patent: Patent) -> str | None:
        return patent.number.patent_number if patent.is_granted else None


class PartySerializer(serializers.Serializer):
    organisation = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField(allow_blank=True)
    province = serializers.CharField()
    city = serializers.CharField(allow_blank=True)
    share = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, coerce_to_string=True)


class PartiesSerializer(serializers.Serializer):
    # "from" is a Python keyword, hence the explicit field names.
    from_ = PartySerializer(many=True, source="from_parties", help_text="Assignors, licensors, pledgors.")
    to = PartySerializer(many=True, source="to_parties", help_text="New holders, licensees, pledgees.")

    def get_fields(self):
        fields = super().get_fields()
        return {"from": fields.pop("from_"), **fields}


class EntrySerializer(serializers.ModelSerializer):
    patent = serializers.CharField(source="patent.application_number", help_text="Application number.")
    parties = PartiesSerializer(source="*")
    related_entry = serializers.IntegerField(
        source="related_entry.sequence",
        allow_null=True,
        help_text="Sequence of the pledge a release ends, or of the declaration a withdrawal ends.",
    )
    effective_date = serializers.DateField(
        allow_null=True, help_text="A licence: the day its contract took effect (recorded within three months)."
    )
    recorded_late = serializers.BooleanField(
        help_text="A licence registered more than three months after its contract took effect."
    )

    class Meta:
        model = RegistryEntry
        fields = [
            "sequence",
            "patent",
            "kind",
            "registration_date",
            "execution_date",
            "registration_number",
            "licence_type",
            "term_start",
            "term_end",
            "effective_date",
            "recorded_late",
            "related_entry",
            "parties",
            "from_region",
            "to_region",
            "cross_province",
            "ipc_section",
            "recorded_at",
            "previous_hash",
            "hash",
        ]
        extra_kwargs = {
            "cross_province": {
                "help_text": "As recorded with the entry, by the rule of its day. The statistics count transfers "
                "(once per patent, kind and registration date) by the provinces of the two sides as sets."
            }
        }


class FlowCellSerializer(serializers.Serializer):
    from_region = serializers.CharField()
    to_region = serializers.CharField()
    count = serializers.IntegerField(help_text="Transfers, each patent's entries of one kind on one day counted once.")
    cross_province = serializers.IntegerField(
        help_text="Of which cross-province: the provinces of the giving and receiving sides differ as sets."
    )


class RegionFlowSerializer(serializers.Serializer):
    region = serializers.CharField()
    name = serializers.CharField()
    outflow = serializers.IntegerField(help_text="Cross-province transfers out of the region (输出).")
    inflow = serializers.IntegerField(help_text="Cross-province transfers into the region (吸纳).")
    within = serializers.IntegerField(help_text="Transfers between parties in the same province.")


class YearCountSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    transfers = serializers.IntegerField()
    cross_province = serializers.IntegerField()


# Answered by a viewset's list action, yet one object: without many=False the schema would call it an array.
@extend_schema_serializer(many=False)
class FlowsSerializer(serializers.Serializer):
    regions = RegionFlowSerializer(many=True)
    cells = FlowCellSerializer(many=True)
    total = serializers.IntegerField()
    cross_province = serializers.IntegerField()
    trend = YearCountSerializer(many=True)


class TargetSerializer(serializers.Serializer):
    """A target with its progress (a :class:`selectors.Progress`)."""

    id = serializers.IntegerField(source="target.id")
    metric = serializers.ChoiceField(source="target.metric", choices=TargetMetric.choices)
    region = serializers.CharField(source="target.region", help_text="yrd, or a province code.")
    region_name = serializers.CharField(source="target.region_name")
    period_start = serializers.DateField(source="target.period_start")
    period_end = serializers.DateField(source="target.period_end")
    value = serializers.IntegerField(source="target.value")
    comparison = serializers.ChoiceField(
        source="target.comparison",
        choices=TargetComparison.choices,
        help_text="more_than (超过): reached above the value; at_least (达到): reached at the value.",
    )
    kinds = serializers.ListField(
        source="target.kinds",
        child=serializers.ChoiceField(choices=EntryKind.choices),
        help_text="The ledger entries it counts: assignment, and licence if named, for transfers; application for "
        "joint applications.",
    )
    source = serializers.CharField(source="target.source")
    current = serializers.IntegerField(source="achieved", help_text="Achieved so far in the period.")
    percent = serializers.FloatField()
    reached = serializers.BooleanField(help_text="By the comparison: more than 15000 is reached at 15001.")
    remaining = serializers.IntegerField(help_text="How many more the target needs; 0 once reached.")


class RecordalPartySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="name_zh")
    credit_code = serializers.CharField(allow_null=True)
    province = serializers.CharField()


class RecordalSerializer(serializers.ModelSerializer):
    """A licence contract that took effect and is not recorded yet."""

    patent = serializers.CharField(source="patent.application_number", help_text="Application number.")
    licensors = serializers.SerializerMethodField(help_text="The patent's right holders today.")
    licensees = RecordalPartySerializer(many=True)
    licence_type = serializers.ChoiceField(choices=LicenceType.choices)
    deadline = serializers.DateField(help_text="The last day to record it in time: three months after it took effect.")
    status = serializers.SerializerMethodField(help_text="due: the deadline has not passed; late: it has.")
    days_left = serializers.SerializerMethodField(help_text="Days until the deadline; negative once it has passed.")
    reminded_at = serializers.DateTimeField(
        source="reminder_sent_at", allow_null=True, help_text="When the parties were reminded, a week before."
    )

    class Meta:
        model = LicenceRecordal
        fields = [
            "id",
            "patent",
            "licensors",
            "licensees",
            "licence_type",
            "term_start",
            "term_end",
            "effective_date",
            "deadline",
            "status",
            "days_left",
            "reference",
            "reminded_at",
        ]

    def _today(self) -> datetime.date:
        return self.context.get("today") or timezone.localdate()

    @extend_schema_field(RecordalPartySerializer(many=True))
    def get_licensors(self, recordal: LicenceRecordal) -> list[dict]:
        organisations = [holder.organisation for holder in recordal.patent.right_holders.all()]
        return RecordalPartySerializer(organisations, many=True).data

    @extend_schema_field(serializers.ChoiceField(choices=["due", "late"]))
    def get_status(self, recordal: LicenceRecordal) -> str:
        return "late" if recordal.days_left(self._today()) < 0 else "due"

    def get_days_left(self, recordal: LicenceRecordal) -> int:
        return recordal.days_left(self._today())


# Query parameters ----------------------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": WRITTEN_FORM_PATTERN})
class ApplicationNumberField(serializers.CharField):
    """An application number in any written form, read as its canonical form; a malformed one says what is wrong."""

    def to_internal_value(self, data) -> str:
        try:
            return parse_application_number(super().to_internal_value(data)).canonical
        except InvalidPatentNumber as error:
            raise serializers.ValidationError(str(error)) from error


class PatentQuerySerializer(serializers.Serializer):
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, required=False)
    patent_type = serializers.ChoiceField(choices=PatentType.choices, required=False)
    holder = serializers.IntegerField(
        min_value=1, required=False, help_text="Id of an organisation among the current right holders."
    )
    ipc_section = serializers.ChoiceField(
        choices=IPC_SECTIONS, required=False, help_text="Section of the first IPC code, A-H."
    )


class EntryQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EntryKind.choices, required=False)
    cross_province = serializers.BooleanField(required=False, allow_null=True, default=None)
    from_region = serializers.ChoiceField(choices=REGION_CHOICES, required=False)
    to_region = serializers.ChoiceField(choices=REGION_CHOICES, required=False)
    registered_from = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive.")
    registered_to = serializers.DateField(required=False, help_text="YYYY-MM-DD, inclusive.")
    patent = ApplicationNumberField(
        required=False, help_text="Application number, in any written form (CN/ZL prefix, no dot, ...)."
    )

    def validate(self, attrs):
        start, end = attrs.get("registered_from"), attrs.get("registered_to")
        if start and end and end < start:
            raise serializers.ValidationError({"registered_to": _("The end date cannot be before the start date.")})
        return attrs


class RecordalQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=selectors.RECORDAL_STATUSES, required=False, help_text="due or late; both when absent."
    )
    within = serializers.IntegerField(
        required=False, min_value=1, max_value=366, help_text="With status=due: deadlines at most this many days off."
    )
    patent = serializers.CharField(required=False, help_text="Application number, in any written form.")

    def validate_patent(self, value: str) -> str:
        try:
            return parse_application_number(value).canonical
        except InvalidPatentNumber as error:
            raise serializers.ValidationError(str(error)) from error


def _year_field(help_text):
    return serializers.IntegerField(
        required=False,
        min_value=OLD_FORMAT_YEARS[0],
        max_value=datetime.date.today().year + 1,
        help_text=help_text,
    )


class FlowQuerySerializer(serializers.Serializer):
    year_from = _year_field("First registration year counted.")
    year_to = _year_field("Last registration year counted.")
    kind = serializers.ChoiceField(
        choices=[(kind.value, kind.label) for kind in TRANSFER_KINDS],
        required=False,
        help_text="Only assignments or only licences; both when absent.",
    )
    ipc_section = serializers.ChoiceField(choices=IPC_SECTIONS, required=False)

    def validate(self, attrs):
        first, last = attrs.get("year_from"), attrs.get("year_to")
        if first and last and last < first:
            raise serializers.ValidationError({"year_to": _("The last year cannot be before the first year.")})
        return attrs

    def flow_filter(self) -> selectors.FlowFilter:
        data = self.validated_data
        return selectors.FlowFilter(
            start=datetime.date(data["year_from"], 1, 1) if data.get("year_from") else None,
            end=datetime.date(data["year_to"], 12, 31) if data.get("year_to") else None,
            kinds=(data["kind"],) if data.get("kind") else tuple(TRANSFER_KINDS),
            ipc_section=data.get("ipc_section", ""),
        )


# Views ---------------------------------------------------------------------------------------------------------

NUMBER_PARAMETER = OpenApiParameter(
    "number",
    {"type": "string", "pattern": WRITTEN_FORM_PATTERN},
    OpenApiParameter.PATH,
    description="Application number in any written form: 202311432805.9, CN202311432805.9, ZL 2023 1143 2805.9, "
    "2023114328059, full-width digits, lower-case x (URL-encoded).",
)
MALFORMED = OpenApiResponse(
    OpenApiTypes.OBJECT,  # the error body (techmarket/api_schema.py)
    description="The number is malformed; the body says what is wrong.",
    examples=[
        OpenApiExample(
            "A wrong check character", summary="202311432805.3", value={"number": ["校验位错误：应为 9，实际为 3。"]}
        )
    ],
)
UNKNOWN = OpenApiResponse(
    OpenApiTypes.OBJECT,  # the error body (techmarket/api_schema.py)
    description="No patent with this number in the registry.",
    examples=[OpenApiExample("Not in the registry", value={"detail": "没有申请号为 202311432805.9 的专利。"})],
)


@extend_schema_view(
    list=extend_schema(parameters=[PatentQuerySerializer], responses={200: PatentSerializer}),
    retrieve=extend_schema(
        parameters=[NUMBER_PARAMETER], responses={200: PatentSerializer, 400: MALFORMED, 404: UNKNOWN}
    ),
)
class PatentViewSet(viewsets.ReadOnlyModelViewSet):
    """Patents in the registry with their current right holders, and each patent's ledger history."""

    permission_classes = [AllowAny]
    public_reads = True
    serializer_class = PatentSerializer
    lookup_field = "application_number"
    lookup_url_kwarg = "number"
    lookup_value_regex = "[^/]+"  # any written form; the parser decides

    def get_queryset(self):
        patents = selectors.patent_list()
        if self.action != "list":
            return patents
        params = _query(PatentQuerySerializer, self.request)
        if "legal_status" in params:
            patents = patents.filter(legal_status=params["legal_status"])
        if "patent_type" in params:
            patents = patents.filter(patent_type=params["patent_type"])
        if "holder" in params:
            patents = patents.filter(right_holders__organisation_id=params["holder"])
        if "ipc_section" in params:
            patents = patents.filter(ipc_codes__0__startswith=params["ipc_section"])
        return patents

    def get_format_suffix(self, **kwargs):
        """Without the trailing slash, the router reads ``202311432805.9`` as number ``202311432805``, format ``9``.

        A suffix that names no renderer is the check character: give it back to the number.
        """
        suffix = super().get_format_suffix(**kwargs)
        if suffix and self.lookup_url_kwarg in kwargs and suffix not in {r.format for r in self.get_renderers()}:
            self.kwargs[self.lookup_url_kwarg] = f"{kwargs[self.lookup_url_kwarg]}.{suffix}"
            return None
        return suffix

    def get_object(self):
        number = _canonical_number(self.kwargs[self.lookup_url_kwarg], "number")
        patent = self.get_queryset().filter(application_number=number).first()
        if patent is None:
            raise NotFound(_("No patent with the application number %(number)s.") % {"number": number})
        return patent

    @extend_schema(
        parameters=[NUMBER_PARAMETER],
        responses={200: EntrySerializer(many=True), 400: MALFORMED, 404: UNKNOWN},
        description="The patent's ledger entries, oldest first.",
    )
    @action(detail=True, pagination_class=None)
    def history(self, request, number=None):
        patent = self.get_object()
        entries = selectors.patent_history(patent).select_related("patent")
        return Response(EntrySerializer(entries, many=True).data)


@extend_schema_view(
    list=extend_schema(parameters=[EntryQuerySerializer], responses={200: EntrySerializer}),
    retrieve=extend_schema(
        parameters=[OpenApiParameter("sequence", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: EntrySerializer},
    ),
)
class EntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The ledger: every recorded event, newest first, with its parties and its place in the hash chain."""

    permission_classes = [AllowAny]
    public_reads = True
    serializer_class = EntrySerializer
    lookup_field = "sequence"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        entries = selectors.entry_list().select_related("related_entry")
        if self.action != "list":
            return entries
        params = _query(EntryQuerySerializer, self.request)
        lookups = {
            "kind": "kind",
            "cross_province": "cross_province",
            "from_region": "from_region",
            "to_region": "to_region",
            "registered_from": "registration_date__gte",
            "registered_to": "registration_date__lte",
            "patent": "patent__application_number",
        }
        return entries.filter(**{lookups[name]: value for name, value in params.items()})


class FlowViewSet(viewsets.ViewSet):
    """Transfers (assignments and licence recordals) between the Delta's provinces and the rest of the country."""

    permission_classes = [AllowAny]
    public_reads = True

    @extend_schema(
        parameters=[FlowQuerySerializer],
        responses={
            200: FlowsSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,  # the error body (techmarket/api_schema.py)
                description="A parameter is not valid; each is named.",
                examples=[
                    OpenApiExample(
                        "Years in the wrong order",
                        summary="?year_from=2025&year_to=2021",
                        value={"year_to": ["结束年份不能早于起始年份。"]},
                    )
                ],
            ),
        },
        description="The flow matrix (region to region, all transfers and cross-province ones), outflow and inflow per "
        "region, and the yearly trend, for registration years and optionally one kind and IPC section. A transfer is "
        "a patent's entries of one kind registered on one day, counted once.",
    )
    def list(self, request):
        query = FlowQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        filters = query.flow_filter()
        matrix = selectors.flow_matrix(filters)
        data = {
            "regions": list(matrix.by_region.values()),
            "cells": [
                {
                    "from_region": source,
                    "to_region": target,
                    "count": matrix.count(source, target),
                    "cross_province": matrix.cross_cells.get((source, target), 0),
                }
                for source in matrix.regions
                for target in matrix.regions
            ],
            "total": matrix.total,
            "cross_province": matrix.cross_province,
            "trend": selectors.yearly_trend(filters),
        }
        return Response(FlowsSerializer(data).data)


@extend_schema_view(
    list=extend_schema(responses=TargetSerializer),
    retrieve=extend_schema(responses=TargetSerializer),
)
class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """The plans' targets and how far the registry has come towards each over its period."""

    permission_classes = [AllowAny]
    public_reads = True
    serializer_class = TargetSerializer
    queryset = Target.objects.all()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(selectors.targets_progress(page), many=True).data)

    def retrieve(self, request, pk=None):
        return Response(self.get_serializer(selectors.target_progress(self.get_object())).data)


class IsRegistryClerk(BasePermission):
    def has_permission(self, request, view) -> bool:
        return permissions.can_see_recordals(request.user)


@extend_schema_view(
    list=extend_schema(
        parameters=[RecordalQuerySerializer],
        responses={200: RecordalSerializer},
        description="Registry clerks only. Licence contracts that have taken effect and are not recorded yet, the "
        "nearest deadline first: due (deadline not passed) and late (passed). A licence contract is recorded "
        "within three months of taking effect.",
    ),
)
class RecordalViewSet(viewsets.GenericViewSet):
    """Licence contracts awaiting recordal, for the registry clerks."""

    permission_classes = [IsRegistryClerk]
    serializer_class = RecordalSerializer
    queryset = LicenceRecordal.objects.none()  # for the schema; the list reads through the selector

    def list(self, request):
        params = _query(RecordalQuerySerializer, request)
        today = timezone.localdate()
        recordals = selectors.recordals_awaiting(
            on=today, status=params.get("status", ""), within_days=params.get("within")
        )
        if "patent" in params:
            recordals = recordals.filter(patent__application_number=params["patent"])
        page = self.paginate_queryset(recordals)
        return self.get_paginated_response(RecordalSerializer(page, many=True, context={"today": today}).data)
