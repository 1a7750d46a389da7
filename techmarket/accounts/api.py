"""REST endpoints for organisations and the signed-in user."""

from django.db.models import Q
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from techmarket.regions import gbt2260

from . import permissions, services
from .choices import MembershipStatus
from .models import CreditCodeField, Organisation, OrganisationChangeRequest, User

# GB 32100-2015 as the schema states it (ECMA-262): 18 characters of the code's alphabet, the area code in 3 to 8.
# The server also takes lower case, spaces and dashes, and checks the last character.
CREDIT_CODE_PATTERN = "^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$"


class CreditCodeSerializerField(serializers.CharField):
    """The model's credit code field in the API: a CharField, declared with the code's form."""


class CreditCodeSchema(OpenApiSerializerFieldExtension):
    """Given in the code's form; answered as null for an organisation imported without one (staff see those)."""

    target_class = CreditCodeSerializerField

    def map_serializer_field(self, auto_schema, direction):
        schema = {"type": "string", "pattern": CREDIT_CODE_PATTERN}
        return schema if direction == "request" else {**schema, "nullable": True}


class OrganisationSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        CreditCodeField: CreditCodeSerializerField,
    }
    province_name = serializers.CharField(read_only=True)
    city_name = serializers.CharField(read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "kind",
            "name_zh",
            "name_en",
            "credit_code",
            "province",
            "province_name",
            "city",
            "city_name",
            "website",
            "description",
            "verification_status",
            "url",
        ]
        read_only_fields = ["verification_status"]
        # Uniqueness and code checks run in the service's full_clean, the one place every path shares.
        # Imported records may lack a credit code, but whoever registers an organisation gives one.
        extra_kwargs = {
            "credit_code": {"validators": [], "required": True, "allow_null": False, "allow_blank": False},
            "name_zh": {"validators": []},
        }


class OrganisationUpdateSerializer(OrganisationSerializer):
    """What an administrator may change. A verified organisation's name, kind, credit code, province and city
    become a change request (202) for the platform staff; an unverified one's credit code is not changed here."""

    class Meta(OrganisationSerializer.Meta):
        extra_kwargs = {
            **OrganisationSerializer.Meta.extra_kwargs,
            "credit_code": {
                "validators": [],
                "required": False,
                "allow_null": False,
                "help_text": "A verified organisation's only, through a change request; ignored for an unverified one.",
            },
        }

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not getattr(self.instance, "is_verified", False):
            # As before: the code of an organisation awaiting verification is what the staff are checking.
            fields["credit_code"] = serializers.CharField(read_only=True)
        return fields


class OrganisationChangeSerializer(serializers.Serializer):
    """One detail a change request changes: its field name, its value now and the value asked for."""

    field = serializers.CharField()
    current = serializers.CharField(allow_null=True)
    requested = serializers.CharField(allow_null=True)


class OrganisationChangeRequestSerializer(serializers.ModelSerializer):
    """A change of a verified organisation's protected details, awaiting (or decided by) the platform staff."""

    changes = serializers.SerializerMethodField()
    organisation = OrganisationSerializer(read_only=True, help_text="The organisation as it is now.")

    class Meta:
        model = OrganisationChangeRequest
        fields = ["id", "status", "changes", "requested_at", "decision_note", "decided_at", "organisation"]
        read_only_fields = fields

    @extend_schema_field(OrganisationChangeSerializer(many=True))
    def get_changes(self, change_request) -> list[dict]:
        return [
            {"field": name, "current": change_request.previous.get(name), "requested": getattr(change_request, name)}
            for name in change_request.changed_fields()
        ]


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Organisations: verified ones are public; members and platform staff also see their unverified ones.

    Creating one makes the caller its administrator; only its administrators update it.
    """

    serializer_class = OrganisationSerializer

    def get_queryset(self):
        user = self.request.user
        qs = Organisation.objects.all()
        if permissions.can_verify_organisations(user):
            visible = qs
        elif user.is_authenticated:
            visible = qs.filter(
                Q(verification_status="verified")
                | Q(memberships__user=user, memberships__status=MembershipStatus.ACTIVE)
            ).distinct()
        else:
            visible = qs.verified()
        province = self.request.query_params.get("province")
        if province:
            visible = visible.filter(province=province)
        return visible.order_by("province", "name_zh")

    def get_serializer_class(self):
        if self.action in {"update", "partial_update"}:
            return OrganisationUpdateSerializer
        return OrganisationSerializer

    def perform_create(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "verification_status"}
        serializer.instance = services.organisation_create(actor=self.request.user, **data)

    @extend_schema(
        responses={200: OrganisationSerializer, 202: OrganisationChangeRequestSerializer},
        description="Changes an organisation; only its administrators may. An unverified organisation's details "
        "change at once (200). A verified organisation's website and introduction change at once; changes to its "
        "name, kind, credit code, province or city are not applied but become a change request for the platform "
        "staff, answered with 202 and the pending request (the organisation as it is now inside). One request "
        "may be pending at a time; another is a 400 until the staff decide.",
    )
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        organisation = self.get_object()
        if not permissions.can_edit_organisation(request.user, organisation):
            raise PermissionDenied
        serializer = self.get_serializer(organisation, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        result = services.organisation_update(
            actor=request.user, organisation=organisation, **serializer.validated_data
        )
        context = self.get_serializer_context()
        if result.change_request is not None:
            body = OrganisationChangeRequestSerializer(result.change_request, context=context).data
            return Response(body, status=status.HTTP_202_ACCEPTED)
        return Response(OrganisationSerializer(result.organisation, context=context).data)

    @extend_schema(responses={200: OrganisationSerializer, 202: OrganisationChangeRequestSerializer})
    def partial_update(self, request, *args, **kwargs):
        kwargs["partial"] = True
        return self.update(request, *args, **kwargs)


# Answered by a viewset's list action, yet one object: without many=False the schema would call it an array.
@extend_schema_serializer(many=False)
class MeSerializer(serializers.ModelSerializer):
    organisations = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "name", "phone", "organisations"]

    def get_organisations(self, user) -> list[dict]:
        return [
            {"id": m.organisation_id, "name": m.organisation.name_zh, "role": m.role, "status": m.status}
            for m in user.memberships.select_related("organisation")
        ]


class MeViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def list(self, request):
        return Response(MeSerializer(request.user).data)


class ProvinceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    cities = serializers.ListField(child=serializers.DictField())


class RegionViewSet(viewsets.ViewSet):
    """Provinces (the four YRD ones first) with their cities, as GB/T 2260 codes."""

    permission_classes = [AllowAny]
    public_reads = True

    @extend_schema(responses=ProvinceSerializer(many=True))
    def list(self, request):
        data = [
            {
                "code": p.code,
                "name": p.name,
                "cities": [{"code": c.code, "name": c.name} for c in gbt2260.cities(p.code)],
            }
            for p in gbt2260.provinces()
        ]
        return Response(data)
