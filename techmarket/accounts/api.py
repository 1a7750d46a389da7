"""REST endpoints for organisations and the signed-in user."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from techmarket.regions import gbt2260

from . import permissions, services
from .choices import MembershipStatus
from .models import Organisation, User


class OrganisationSerializer(serializers.ModelSerializer):
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
            "credit_code": {"validators": [], "required": True, "allow_null": False},
            "name_zh": {"validators": []},
        }


class OrganisationUpdateSerializer(OrganisationSerializer):
    class Meta(OrganisationSerializer.Meta):
        read_only_fields = ["verification_status", "credit_code"]


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

    def perform_update(self, serializer):
        organisation = serializer.instance
        if not permissions.can_edit_organisation(self.request.user, organisation):
            raise PermissionDenied
        serializer.instance = services.organisation_update(
            actor=self.request.user, organisation=organisation, **serializer.validated_data
        )


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

    permission_classes = []

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
