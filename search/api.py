"""Search through the API: ``GET /api/v1/search/?q=电池&province=310000``.

The same query string as the search page (``search.forms``), validated, so a
bad parameter is a 400 naming it. The answer: ``total``, the page's
``results`` (each with ``id``, ``title``, ``url`` and ``highlight``, the
matched words in ``<mark>``), and ``facets`` with labels and counts. When the
search backend fails the database answers and ``degraded`` is true.
"""

from __future__ import annotations

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from . import presentation
from .forms import CodesField, SearchForm
from .query import LISTING_FACETS, MAX_PAGE_SIZE
from .searching import run_search


class HighlightSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, help_text="The title with the matched words in <mark>.")
    summary = serializers.CharField(required=False, help_text="A fragment of the summary around the first match.")
    title_en = serializers.CharField(required=False)
    summary_en = serializers.CharField(required=False)


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.URLField()
    highlight = HighlightSerializer()
    province = serializers.CharField()
    province_name = serializers.CharField()
    field = serializers.CharField(help_text="Technology field slug.")
    kind = serializers.CharField()
    trl = serializers.IntegerField()
    published_at = serializers.DateTimeField()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


# Answered by a viewset's list action, yet one object: without many=False the schema would call it an array.
@extend_schema_serializer(many=False)
class SearchAnswerSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    degraded = serializers.BooleanField(help_text="True when the database answered because the backend failed.")
    results = SearchHitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class PageSizeForm(forms.Form):
    page_size = forms.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, required=False)


def _schema(field: forms.Field) -> tuple[dict, bool]:
    """The JSON schema of one value of a form field, and whether the parameter repeats: what the form accepts."""
    if isinstance(field, CodesField):
        return {"type": "string", "pattern": field.code_validator.regex.pattern}, True
    if isinstance(field, forms.ChoiceField):
        schema = {"type": "string", "enum": [str(value) for value, _label in field.choices]}
        return schema, isinstance(field, forms.MultipleChoiceField)
    if isinstance(field, forms.BooleanField):
        return {"type": "boolean"}, False
    if isinstance(field, forms.IntegerField):
        bounds = {"minimum": field.min_value, "maximum": field.max_value}
        return {"type": "integer", **{name: value for name, value in bounds.items() if value is not None}}, False
    return {"type": "string", **({"maxLength": field.max_length} if field.max_length else {})}, False


def form_parameters(form: type[forms.Form], descriptions: dict[str, str]) -> list[OpenApiParameter]:
    """The query parameters a form reads, declared with the choices, patterns and bounds it checks."""
    parameters = []
    for name, field in form.base_fields.items():
        schema, many = _schema(field)
        if many:
            schema = {"type": "array", "items": schema}
        parameters.append(
            OpenApiParameter(name, schema, explode=True if many else None, description=descriptions.get(name, ""))
        )
    return parameters


PARAMETERS = form_parameters(
    SearchForm,
    {
        "q": "Words, Chinese or English.",
        "province": "Province code (GB/T 2260), e.g. 310000; repeat for several.",
        "city": "City code (GB/T 2260); an unknown one finds nothing.",
        "field": "Technology field slug; an unknown one finds nothing.",
        "kind": "Listing kind.",
        "deal_mode": "Deal mode, e.g. open_licence, pay_later, assignment.",
        "trl_band": "Technology readiness band.",
        "price_band": "Price band.",
        "org_kind": "Owner kind.",
        "ipc": "IPC section letter.",
        "open_licence": "Only listings offered under an open licence.",
        "pay_later": "Only listings offered as use first, pay later.",
        "page": "Page number, from 1.",
    },
) + form_parameters(PageSizeForm, {"page_size": "Results per page, default 20."})


FOUND = OpenApiExample(
    "电池, two per page",
    summary="?q=电池&page_size=2 (one hit shown)",
    value={
        "total": 22,
        "page": 1,
        "page_size": 2,
        "degraded": False,
        "results": [
            {
                "id": 141,
                "title": "锂电池健康状态在线评估软件V1.0",
                "url": "https://techmarket.example.cn/listings/141/",
                "highlight": {"title": "锂<mark>电池</mark>健康状态在线评估软件V1.0"},
                "province": "340000",
                "province_name": "安徽省",
                "field": "new-energy",
                "kind": "software",
                "trl": 7,
                "published_at": "2026-10-12T09:30:00+08:00",
            }
        ],
        "facets": {"province": [{"value": "340000", "label": "安徽省", "count": 6, "selected": False}]},
    },
)
UNKNOWN_PROVINCE = OpenApiExample(
    "An unknown province code",
    summary="?province=999999",
    value={"province": ["选择一个有效的选项。 999999 不在可用的选项中。"]},
)


class SearchViewSet(viewsets.ViewSet):
    permission_classes = [AllowAny]
    public_reads = True

    @extend_schema(
        operation_id="search_listings",
        parameters=PARAMETERS,
        responses={
            200: OpenApiResponse(SearchAnswerSerializer, examples=[FOUND]),
            400: OpenApiResponse(
                OpenApiTypes.OBJECT, description="A parameter is not valid; each is named.", examples=[UNKNOWN_PROVINCE]
            ),
        },
    )
    def list(self, request):
        """Search the published listings of all four provinces, with facet counts."""
        form, size = SearchForm(request.query_params), PageSizeForm(request.query_params)
        if not (form.is_valid() & size.is_valid()):
            raise ValidationError({name: list(errors) for name, errors in (form.errors | size.errors).items()})
        query = form.search_query(facets=LISTING_FACETS, page_size=size.cleaned_data["page_size"] or 20)
        outcome = run_search(query)
        results = [
            {
                "id": hit.listing.pk,
                "title": hit.listing.title,
                "url": request.build_absolute_uri(hit.listing.get_absolute_url()),
                "highlight": hit.highlight,
                "province": hit.listing.province,
                "province_name": hit.listing.province_name,
                "field": hit.listing.field.slug,
                "kind": hit.listing.kind,
                "trl": hit.listing.trl,
                "published_at": hit.listing.published_at,
            }
            for hit in presentation.listing_hits(outcome.result)
        ]
        facets = {
            facet.name: [
                {"value": item.value, "label": item.label, "count": item.count, "selected": item.selected}
                for item in facet.values
            ]
            for facet in presentation.facets(query, outcome.result)
        }
        answer = {
            "total": outcome.result.total,
            "page": query.page,
            "page_size": query.page_size,
            "degraded": outcome.degraded,
            "results": results,
            "facets": facets,
        }
        return Response(SearchAnswerSerializer(answer).data)
