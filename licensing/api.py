"""Licensing through the API: the open licences, pay-later agreements, payments and royalty reports the caller's
organisations are party to, and the open licence declarations.

Everything here is read-only; the changes go through the pages (and their services). Licences, agreements,
payments and reports are their parties' business: the caller must be signed in (403 otherwise), and one it is not
party to is a 404, as one that does not exist. Declarations in force are public, like listings; a declaration
not in force is seen only by its licensor's members. Lists are paginated (the project's page-number pagination),
filtered by state, and read in a fixed number of queries whatever their length.

The schema's descriptions are for developers and stay in English; messages that reach a response are
translated.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from listings.api.listings import OrganisationRefSerializer

from . import selectors
from .choices import (
    AgreementState,
    DeclarationStatus,
    LicenceStatus,
    PaymentState,
    ReportingPeriod,
    ReportStatus,
    RoyaltyBase,
)
from .models import Agreement, Declaration, OpenLicence, Payment, RoyaltyReport
from .views.pages import page_url

REFERENCE = "[A-Za-z0-9-]+"
SIDES = [
    (selectors.HELD, "held: the caller's organisations are the licensee"),
    (selectors.GRANTED, "granted: the caller's organisations are the licensor"),
]
URL_FIELD = {"type": "string", "format": "uri", "nullable": True}


def _absolute(serializer, path: str) -> str | None:
    if not path:
        return None
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


# Representation ------------------------------------------------------------------------------------------------


class LicensedPatentSerializer(serializers.Serializer):
    application_number = serializers.CharField()
    title = serializers.CharField()


class NextPaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, help_text="In yuan (CNY).")
    due_on = serializers.DateField(allow_null=True, help_text="Pay by this date; null when no date is set.")
    description = serializers.CharField(help_text="What it pays: the fee, an instalment, a royalty.")
    reference = serializers.CharField(
        source="payment.reference",
        allow_null=True,
        default=None,
        help_text="The payment reference to quote in the transfer; null until the payment is started.",
    )


class NoticeSerializer(serializers.Serializer):
    sha256_html = serializers.CharField(help_text="SHA-256 of the notice as HTML, kept as confirmed.")
    sha256_pdf = serializers.CharField(help_text="SHA-256 of the notice as PDF.")
    confirmed_at = serializers.DateTimeField()


TERMS_FIELDS = [
    "fee_type",
    "published_terms",
    "lump_sum",
    "entry_fee",
    "royalty_rate",
    "royalty_base",
    "reporting_period",
    "currency",
]


class TermsMixin(serializers.Serializer):
    published_terms = serializers.SerializerMethodField(help_text="The fee in a few words, in the response's language.")
    # Declared, as a read-only model field would lose its blank choice (empty unless the fee has a royalty).
    royalty_base = serializers.ChoiceField(choices=RoyaltyBase.choices, allow_blank=True, read_only=True)
    reporting_period = serializers.ChoiceField(choices=ReportingPeriod.choices, allow_blank=True, read_only=True)

    def get_published_terms(self, obj) -> str:
        return selectors.published_terms(obj)


class DeclarationSerializer(TermsMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The declaration's page; null where it is not installed.")
    licensor = OrganisationRefSerializer(help_text="The patentee.")
    patents = LicensedPatentSerializer(many=True)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Declaration
        fields = [
            "id",
            "url",
            "status",
            "status_label",
            "licensor",
            "patents",
            *TERMS_FIELDS,
            "payment_method",
            "payment_schedule",
            "fee_basis",
            "territory",
            "period_end",
            "effective_on",
            "withdrawn_on",
        ]
        read_only_fields = fields

    @extend_schema_field(URL_FIELD)
    def get_url(self, declaration) -> str | None:
        return _absolute(self, page_url("licensing:declaration_detail", declaration.pk))


class LicenceSerializer(TermsMixin, serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The licence's page; null where it is not installed.")
    declaration = serializers.IntegerField(source="declaration_id", help_text="The declaration it was obtained under.")
    licensor = OrganisationRefSerializer()
    licensee = OrganisationRefSerializer()
    patents = LicensedPatentSerializer(many=True)
    status_label = serializers.CharField(source="get_status_display")
    notice = serializers.SerializerMethodField(help_text="The written notice the licensee confirmed; null before.")
    next_payment = serializers.SerializerMethodField(help_text="The earliest payment still owed; null if none.")
    reports_due = serializers.SerializerMethodField(help_text="Royalty reports the licensee has still to submit.")

    class Meta:
        model = OpenLicence
        fields = [
            "reference",
            "url",
            "declaration",
            "status",
            "status_label",
            "licensor",
            "licensee",
            "patents",
            *TERMS_FIELDS,
            "term_start",
            "term_end",
            "effective_on",
            "ended_on",
            "frozen_at",
            "notice",
            "next_payment",
            "reports_due",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "ended_on": {"help_text": "The day a licence ended before its term (its fee refunded); null otherwise."},
            "frozen_at": {"help_text": "Since when the fee is disputed by the payer's bank (frozen); null otherwise."},
        }

    @extend_schema_field(URL_FIELD)
    def get_url(self, licence) -> str | None:
        return _absolute(self, page_url("licensing:licence_detail", licence.reference))

    @extend_schema_field(NoticeSerializer(allow_null=True))
    def get_notice(self, licence):
        notice = selectors.notice_of(licence)
        return NoticeSerializer(notice).data if notice else None

    @extend_schema_field(NextPaymentSerializer(allow_null=True))
    def get_next_payment(self, obj):
        due = selectors.next_payment(obj)
        return NextPaymentSerializer(due).data if due else None

    def get_reports_due(self, obj) -> int:
        return len(selectors.due_reports(obj))


class AgreementListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="In the response's language when it has one.")


class AgreementSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The agreement's page; null where it is not installed.")
    licensor = OrganisationRefSerializer()
    licensee = OrganisationRefSerializer()
    listing = AgreementListingSerializer()
    state_label = serializers.CharField(source="get_state_display")
    next_payment = serializers.SerializerMethodField(help_text="The earliest payment still owed; null if none.")
    reports_due = serializers.SerializerMethodField(help_text="Revenue reports the licensee has still to submit.")

    class Meta:
        model = Agreement
        fields = [
            "reference",
            "url",
            "state",
            "state_label",
            "licensor",
            "licensee",
            "listing",
            "trial_months",
            "trigger",
            "payment_form",
            "fee",
            "instalments",
            "revenue_share",
            "cap",
            "currency",
            "fund_covered",
            "trial_start",
            "decision_date",
            "decision_deadline",
            "payment_start",
            "next_payment",
            "reports_due",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(URL_FIELD)
    def get_url(self, agreement) -> str | None:
        return _absolute(self, page_url("licensing:agreement_detail", agreement.reference))

    @extend_schema_field(NextPaymentSerializer(allow_null=True))
    def get_next_payment(self, obj):
        due = selectors.next_payment(obj)
        return NextPaymentSerializer(due).data if due else None

    def get_reports_due(self, obj) -> int:
        return len(selectors.due_reports(obj))


class PaymentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The payment's page; null where it is not installed.")
    payer = OrganisationRefSerializer()
    payee = OrganisationRefSerializer()
    state_label = serializers.CharField(source="get_state_display")

    class Meta:
        model = Payment
        fields = [
            "reference",
            "url",
            "purpose",
            "description",
            "amount",
            "currency",
            "payer",
            "payee",
            "gateway",
            "state",
            "state_label",
            "expires_at",
            "succeeded_at",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(URL_FIELD)
    def get_url(self, payment) -> str | None:
        return _absolute(self, page_url("licensing:payment_detail", payment.reference))


class ReportSerializer(serializers.ModelSerializer):
    licence = serializers.CharField(
        source="licence.reference", allow_null=True, default=None, help_text="The open licence reported on, if so."
    )
    agreement = serializers.CharField(
        source="agreement.reference", allow_null=True, default=None, help_text="The agreement reported on, if so."
    )
    royalty_base = serializers.ChoiceField(source="base", choices=RoyaltyBase.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = RoyaltyReport
        fields = [
            "id",
            "licence",
            "agreement",
            "period_start",
            "period_end",
            "due_on",
            "royalty_base",
            "rate",
            "base_amount",
            "royalty",
            "status",
            "status_label",
            "dispute_reason",
            "submitted_at",
        ]
        read_only_fields = fields


# Query parameters ----------------------------------------------------------------------------------------------


class SideQuerySerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=SIDES, required=False, help_text="Either side when absent.")


class LicenceQuerySerializer(SideQuerySerializer):
    status = serializers.ChoiceField(choices=LicenceStatus.choices, required=False)


class AgreementQuerySerializer(SideQuerySerializer):
    state = serializers.ChoiceField(choices=AgreementState.choices, required=False)


class DeclarationQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=DeclarationStatus.choices, required=False)


class PaymentQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=PaymentState.choices, required=False)


class ReportQuerySerializer(SideQuerySerializer):
    status = serializers.ChoiceField(choices=ReportStatus.choices, required=False)


# Views ---------------------------------------------------------------------------------------------------------


def _reference(what: str) -> OpenApiParameter:
    return OpenApiParameter(
        "reference", {"type": "string", "pattern": f"^{REFERENCE}$"}, OpenApiParameter.PATH, description=what
    )


def _id(what: str) -> OpenApiParameter:
    return OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=what)


def _not_found(what: str, message: str) -> OpenApiResponse:
    return OpenApiResponse(
        OpenApiTypes.OBJECT,  # the error body (techmarket/api_schema.py)
        description=f"No such {what}, or one the caller's organisations are not party to.",
        examples=[OpenApiExample("Not found", value={"detail": message})],
    )


def _bad_filter(parameter: str) -> OpenApiResponse:
    return OpenApiResponse(
        OpenApiTypes.OBJECT,  # the error body (techmarket/api_schema.py)
        description="A filter is not valid; each is named.",
        examples=[OpenApiExample("An unknown state", value={parameter: ["“lost” 不是合法选项。"]})],
    )


LICENCE_EXAMPLE = OpenApiExample(
    "A lump-sum licence awaiting payment",
    response_only=True,
    value={
        "reference": "OL2026000031",
        "url": "https://techmarket.example.cn/licences/OL2026000031/",
        "declaration": 12,
        "status": "awaiting_payment",
        "status_label": "待付款",
        "licensor": {"id": 3, "name": "复旦大学"},
        "licensee": {"id": 41, "name": "合肥新材料科技有限公司"},
        "patents": [{"application_number": "202110345678.2", "title": "一种锂离子电池正极材料的制备方法"}],
        "fee_type": "lump_sum",
        "published_terms": "一次性 ¥50,000",
        "lump_sum": "50000.00",
        "entry_fee": None,
        "royalty_rate": None,
        "royalty_base": "",
        "reporting_period": "",
        "currency": "CNY",
        "term_start": "2026-12-05",
        "term_end": "2030-12-31",
        "effective_on": None,
        "ended_on": None,
        "frozen_at": None,
        "notice": {"sha256_html": "3f5a…", "sha256_pdf": "9be1…", "confirmed_at": "2026-12-05T10:12:00+08:00"},
        "next_payment": {
            "amount": "50000.00",
            "due_on": "2026-12-19",
            "description": "许可费",
            "reference": "TM7Q2K9X4M3A",
        },
        "reports_due": 0,
        "created_at": "2026-12-05T10:12:00+08:00",
    },
)


class _PartyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """A read-only list and detail of rows the caller's organisations are party to."""

    permission_classes = [IsAuthenticated]
    query_serializer: type[serializers.Serializer]
    not_found = gettext_lazy("Not found.")

    def _filters(self) -> dict:
        query = self.query_serializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        return {name: value for name, value in query.validated_data.items() if value}

    def rows(self, **filters):
        raise NotImplementedError

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset.none()
        return self.rows(**self._filters())

    def retrieve(self, request, **kwargs):
        found = self.rows().filter(**{self.lookup_field: kwargs[self.lookup_url_kwarg or self.lookup_field]}).first()
        if found is None:
            raise NotFound(self.not_found)
        return Response(self.get_serializer(found).data)


@extend_schema_view(
    list=extend_schema(
        parameters=[LicenceQuerySerializer],
        responses={200: LicenceSerializer, 400: _bad_filter("status")},
        description="Open licences the caller's organisations hold or granted, newest first.",
    ),
    retrieve=extend_schema(
        parameters=[_reference("The licence number.")],
        responses={
            200: OpenApiResponse(LicenceSerializer, examples=[LICENCE_EXAMPLE]),
            404: _not_found("licence", "没有这份许可。"),
        },
        description="An open licence with its terms, notice, next payment and the reports due.",
    ),
)
class LicenceViewSet(_PartyViewSet):
    """Open licences obtained under declarations, seen only by their parties."""

    serializer_class = LicenceSerializer
    queryset = OpenLicence.objects.all()  # the model, for the schema; the actions read through the selectors
    query_serializer = LicenceQuerySerializer
    lookup_field = "reference"
    lookup_value_regex = REFERENCE

    not_found = gettext_lazy("No such licence.")

    def rows(self, **filters):
        return selectors.licences(self.request.user, **filters)


@extend_schema_view(
    list=extend_schema(
        parameters=[AgreementQuerySerializer],
        responses={200: AgreementSerializer, 400: _bad_filter("state")},
        description="Pay-later agreements the caller's organisations entered, as licensee or licensor, newest first.",
    ),
    retrieve=extend_schema(
        parameters=[_reference("The agreement number.")],
        responses={200: AgreementSerializer, 404: _not_found("agreement", "没有这份协议。")},
        description="A pay-later agreement with its state, dates and next payment.",
    ),
)
class AgreementViewSet(_PartyViewSet):
    """Use first, pay later (先使用后付费) agreements, seen only by their parties."""

    serializer_class = AgreementSerializer
    queryset = Agreement.objects.all()
    query_serializer = AgreementQuerySerializer
    lookup_field = "reference"
    lookup_value_regex = REFERENCE

    not_found = gettext_lazy("No such agreement.")

    def rows(self, **filters):
        return selectors.agreements(self.request.user, **filters)


@extend_schema_view(
    list=extend_schema(
        parameters=[PaymentQuerySerializer],
        responses={200: PaymentSerializer, 400: _bad_filter("state")},
        description="Payments the caller's organisations make or receive, newest first.",
    ),
    retrieve=extend_schema(
        parameters=[_reference("The payment reference.")],
        responses={200: PaymentSerializer, 404: _not_found("payment", "没有这笔付款。")},
        description="A payment and how far its collection has gone.",
    ),
)
class PaymentViewSet(_PartyViewSet):
    """Payments between organisations on the platform, seen only by payer and payee."""

    serializer_class = PaymentSerializer
    queryset = Payment.objects.all()
    query_serializer = PaymentQuerySerializer
    lookup_field = "reference"
    lookup_value_regex = REFERENCE

    not_found = gettext_lazy("No such payment.")

    def rows(self, **filters):
        return selectors.payments(self.request.user, **filters)


@extend_schema_view(
    list=extend_schema(
        parameters=[ReportQuerySerializer],
        responses={200: ReportSerializer, 400: _bad_filter("status")},
        description="Royalty and revenue reports of the caller's licences and agreements, the earliest due first.",
    ),
    retrieve=extend_schema(
        parameters=[_id("The report's id.")],
        responses={200: ReportSerializer, 404: _not_found("report", "没有这份报告。")},
        description="A royalty report.",
    ),
)
class ReportViewSet(_PartyViewSet):
    """Royalty reports, seen only by the parties of their licence or agreement."""

    serializer_class = ReportSerializer
    queryset = RoyaltyReport.objects.all()
    query_serializer = ReportQuerySerializer
    lookup_value_regex = "[0-9]+"

    not_found = gettext_lazy("No such report.")

    def rows(self, **filters):
        return selectors.reports(self.request.user, **filters)


@extend_schema_view(
    list=extend_schema(
        parameters=[DeclarationQuerySerializer],
        responses={200: DeclarationSerializer, 400: _bad_filter("status")},
        description="Open licence declarations in force, for everyone; signed in, the caller's organisations' own "
        "in any status too. Newest first.",
    ),
    retrieve=extend_schema(
        parameters=[_id("The declaration's id.")],
        responses={200: DeclarationSerializer, 404: _not_found("declaration", "没有这份开放许可声明。")},
        description="A declaration with its published terms and patents.",
    ),
)
class DeclarationViewSet(_PartyViewSet):
    """Open licence declarations (专利开放许可声明): public while in force, like listings."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = DeclarationSerializer
    queryset = Declaration.objects.all()
    query_serializer = DeclarationQuerySerializer
    lookup_value_regex = "[0-9]+"

    not_found = gettext_lazy("No such declaration.")

    def rows(self, **filters):
        return selectors.visible_declarations(self.request.user, **filters)
