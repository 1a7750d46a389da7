"""Listings through the API: the public list and pages, the owners' writes, the workflow, images and files.

Reads: anyone lists the published listings, with the public page's filters
(validated, so a bad value is a 400 naming the parameter); ``?mine=1`` lists
the listings of the caller's organisations, and those they broker, in any
status. A listing that is not public is a 404 for whoever may not see it
(``permissions.can_view_listing``), so its existence does not leak; one the
caller may see but not change is a 403.

Writes go through ``services.listings`` only: they check the permissions again,
validate the whole listing (the model's checks, its patents, its deal terms),
and write the audit rows. A refusal the caller can act on is a 400 whose body
says why, as the pages' messages do. Images and files are checked by the model
fields' validators, the same ones every other way in uses.

The schema's descriptions are for developers and stay in English; messages
that reach a response are translated.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ip_registry.models import Patent
from ip_registry.selectors import patents_for_numbers
from techmarket.accounts.models import Organisation
from techmarket.accounts.validators import normalize_phone
from techmarket.regions import gbt2260
from techmarket.regions.fields import TechnologyFieldSlug

from .. import permissions
from ..choices import TRANSITIONS, DealMode, ListingKind
from ..models import Listing, ListingAttachment, ListingImage
from ..selectors import listings as selectors
from ..services import listings as services
from ..services.listings import LISTING_FIELDS, Term

TRANSITION_CHOICES = [(name, transition.label) for name, transition in TRANSITIONS.items()]


# Representation ------------------------------------------------------------------------------------------------


class AbsoluteURLField(serializers.URLField):
    """A path on this site, given back as an absolute URL (relative when there is no request)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        request = self.context.get("request")
        return request.build_absolute_uri(value) if request and value else value


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name", help_text="In the response's language when it has one.")


class ProvinceRefSerializer(serializers.Serializer):
    code = serializers.CharField(source="province", help_text="GB/T 2260 code, e.g. 330000.")
    name = serializers.CharField(source="province_name")


class FieldRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text="Use it in the field filter.")
    name = serializers.CharField(source="__str__")


class ReadinessSerializer(serializers.Serializer):
    level = serializers.IntegerField(source="trl", help_text="Technology readiness level, 1 to 9.")
    meaning = serializers.CharField(source="trl_meaning")


class PatentRefSerializer(serializers.Serializer):
    application_number = serializers.CharField()
    title = serializers.CharField()
    url = AbsoluteURLField(source="get_absolute_url", help_text="The patent's page in the registry.")


class DealTermSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=DealMode.choices)
    label = serializers.CharField(source="get_mode_display")
    price = serializers.DecimalField(
        max_digits=14, decimal_places=2, allow_null=True, help_text="Indicative price in yuan; null when negotiable."
    )
    negotiable = serializers.BooleanField(source="is_negotiable")
    note = serializers.CharField()
    published_terms = serializers.CharField(
        help_text="An open licence's fee as the registry publishes it (免费, 一次性 ¥50,000, 净销售额 3%); empty for "
        "other modes."
    )


class RenditionSerializer(serializers.Serializer):
    url = AbsoluteURLField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()


class ImageSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Use it to delete the image.")
    thumb = RenditionSerializer(help_text="480 × 360, cropped to fill.")
    detail = RenditionSerializer(help_text="At most 1200 × 900.")
    caption = serializers.CharField()


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Use it to delete the file.")
    title = serializers.CharField()
    url = AbsoluteURLField(
        source="get_absolute_url", help_text="The download; answers only those who may see the listing."
    )
    size = serializers.IntegerField(help_text="In bytes.")


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField(allow_null=True, help_text="Only for signed-in callers.")
    email = serializers.EmailField(allow_null=True, help_text="Only for signed-in callers.")


class ListingSerializer(serializers.ModelSerializer):
    url = AbsoluteURLField(source="get_absolute_url", help_text="The listing's public page.")
    organisation = OrganisationRefSerializer(help_text="The owner.")
    province = ProvinceRefSerializer(source="*", help_text="The owner's province.")
    field = FieldRefSerializer(help_text="Technology field.")
    trl = ReadinessSerializer(source="*")
    ipc_codes = serializers.ListField(child=serializers.CharField(), help_text="From the listing's patents.")
    patents = PatentRefSerializer(many=True)
    deal_terms = DealTermSerializer(many=True, help_text="The ways the owner offers the listing.")
    images = ImageSerializer(many=True, source="image_list")
    attachments = AttachmentSerializer(many=True, help_text="PDF files.")
    contact = serializers.SerializerMethodField()
    broker = serializers.CharField(
        source="broker.user.name", allow_null=True, help_text="The assigned technology-transfer manager, if any."
    )
    moderation_note = serializers.SerializerMethodField(
        help_text="The moderators' last reason (send back, suspend); only for the owner's members, the assigned "
        "broker and the moderators, null for everyone else."
    )

    class Meta:
        model = Listing
        fields = [
            "id",
            "url",
            "kind",
            "status",
            "title_zh",
            "title_en",
            "summary_zh",
            "summary_en",
            "problem",
            "advantages",
            "applications",
            "organisation",
            "province",
            "field",
            "trl",
            "ipc_codes",
            "patents",
            "deal_terms",
            "co_owner_consent",
            "images",
            "attachments",
            "contact",
            "broker",
            "moderation_note",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ContactSerializer)
    def get_contact(self, listing: Listing) -> dict:
        request = self.context.get("request")
        signed_in = bool(request and request.user.is_authenticated)
        return {
            "name": listing.contact_name,
            "phone": listing.contact_phone if signed_in else None,
            "email": (listing.contact_email or None) if signed_in else None,
        }

    def get_moderation_note(self, listing: Listing) -> str | None:
        return listing.moderation_note if self.context.get("show_notes") else None


# Writes --------------------------------------------------------------------------------------------------------


class TermInputSerializer(serializers.Serializer):
    mode = serializers.ChoiceField(choices=DealMode.choices)
    price = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        allow_null=True,
        required=False,
        default=None,
        help_text="Indicative price in yuan; null or absent for negotiable.",
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ListingCreateSerializer(serializers.ModelSerializer):
    """What the owner writes. Validated again as a whole by the service (patents held, deal modes compatible)."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        help_text="Id of the owner: a verified university or institute the caller is a member of.",
    )
    field = TechnologyFieldSlug()
    contact_phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="A mainland mobile number; spaces, dashes and +86 are fine.",
    )
    patents = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        help_text="Application numbers of registry patents the owner holds, in any written form. A single-patent "
        "listing names one, a portfolio two or more. On update, leave it out to keep the patents as they are.",
    )
    deal_terms = TermInputSerializer(
        many=True,
        help_text="At least one; each deal mode once. On update, replaces all the terms; leave it out (PATCH) to keep "
        "them.",
    )

    class Meta:
        model = Listing
        fields = ["organisation", *LISTING_FIELDS, "patents", "deal_terms"]

    def validate_contact_phone(self, value: str | None) -> str | None:
        return normalize_phone(value) or None if value else None

    def validate_patents(self, value: list[str]) -> list[Patent]:
        # On create the owner is another field of this body, not checked yet: the service checks the holding
        # then, by the same rule and with the same message.
        organisation = self.instance.organisation if self.instance is not None else None
        try:
            return patents_for_numbers(numbers=value, organisation=organisation)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None

    def validate_deal_terms(self, value: list[dict]) -> list[Term]:
        # A partial update skips the defaults of nested fields, hence get().
        return [Term(row["mode"], row.get("price"), row.get("note", "")) for row in value]


class ListingUpdateSerializer(ListingCreateSerializer):
    organisation = None  # a listing stays with its owner

    class Meta(ListingCreateSerializer.Meta):
        fields = [*LISTING_FIELDS, "patents", "deal_terms"]


class TransitionSerializer(serializers.Serializer):
    name = serializers.ChoiceField(
        choices=TRANSITION_CHOICES,
        help_text="submit (owner's members, from draft); approve, reject, suspend, reinstate (moderators); "
        "withdraw, reopen, close (owner's administrators).",
    )
    reason = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required to reject or suspend; sent to the owner.",
    )


class ImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField(
        help_text="JPEG, PNG or WebP, judged by its content. Location data (EXIF) is removed when it is saved."
    )
    caption = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A PDF document, judged by its content.")
    title = serializers.CharField(max_length=120)


# Query parameters ----------------------------------------------------------------------------------------------


class ListingQuerySerializer(serializers.Serializer):
    province = serializers.ChoiceField(
        choices=gbt2260.province_choices(), required=False, help_text="GB/T 2260 code of the owner's province."
    )
    field = TechnologyFieldSlug(required=False)
    kind = serializers.ChoiceField(choices=ListingKind.choices, required=False)
    deal_mode = serializers.ChoiceField(choices=DealMode.choices, required=False)
    mine = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The listings of the caller's organisations and those they broker, in any status, most recently "
        "changed first (signed-in callers only).",
    )

    def filters(self) -> selectors.ListingFilters:
        data = self.validated_data
        return selectors.ListingFilters(
            **{name: data.get(name, "") for name in ("province", "kind", "deal_mode")},
            field=data["field"].slug if data.get("field") else "",
        )


def _apply(queryset, filters: selectors.ListingFilters):
    lookups = {"province": "province", "field": "field__slug", "kind": "kind", "deal_mode": "deal_terms__mode"}
    return queryset.filter(
        **{lookup: getattr(filters, name) for name, lookup in lookups.items() if getattr(filters, name)}
    )


# Views ---------------------------------------------------------------------------------------------------------

UNKNOWN_FIELD = OpenApiResponse(
    OpenApiTypes.OBJECT,  # the error body (techmarket/api_schema.py)
    description="A filter is not valid; each is named.",
    examples=[OpenApiExample("An unknown technology field", value={"field": ["没有技术领域“nanotech”。"]})],
)
NO_LISTING = OpenApiResponse(
    OpenApiTypes.OBJECT,  # the error body (techmarket/api_schema.py)
    description="No such listing, or one the caller may not see.",
    examples=[OpenApiExample("Not found", value={"detail": "没有这个项目。"})],
)
NOT_LISTABLE = OpenApiResponse(
    OpenApiTypes.OBJECT,  # the error body (techmarket/api_schema.py)
    description="Invalid input, or refused by the market's rules; the body names each field, or non_field_errors.",
    examples=[
        OpenApiExample(
            "A patent the registry does not hold",
            value={"patents": ["登记簿中没有：202311432805.9。请先登记该专利，或核对申请号。"]},
        )
    ],
)
LISTING_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The listing's id.")
IMAGE_ID = OpenApiParameter("image_id", OpenApiTypes.INT, OpenApiParameter.PATH)
ATTACHMENT_ID = OpenApiParameter("attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        parameters=[ListingQuerySerializer],
        responses={200: ListingSerializer, 400: UNKNOWN_FIELD},
        description="Published listings, newest first; with mine=1, the caller's organisations' listings and those "
        "they broker, in any status.",
    ),
    retrieve=extend_schema(
        parameters=[LISTING_ID],
        responses={200: ListingSerializer, 404: NO_LISTING},
        description="A listing with everything its page shows. Listings that are not public are a 404 for those "
        "they do not concern.",
    ),
    create=extend_schema(
        request=ListingCreateSerializer,
        responses={201: ListingSerializer, 400: NOT_LISTABLE},
        description="A new draft listing. Submit it for review with the transition endpoint.",
    ),
    update=extend_schema(
        parameters=[LISTING_ID],
        request=ListingUpdateSerializer,
        responses={200: ListingSerializer},
        description="Change what the owner wrote; allowed while the listing is a draft, published or suspended.",
    ),
    partial_update=extend_schema(
        parameters=[LISTING_ID],
        request=ListingUpdateSerializer,
        responses={200: ListingSerializer},
        description="Change some of what the owner wrote; allowed while the listing is a draft, published or "
        "suspended.",
    ),
)
class ListingViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Patents and other achievements on the market. Everyone reads the public ones; owners' members write theirs."""

    serializer_class = ListingSerializer
    queryset = Listing.objects.all()  # the model, for the schema; each action reads through the selectors
    lookup_value_regex = "[0-9]+"

    # Reads

    def _query(self) -> ListingQuerySerializer:
        """The list's query parameters, validated once per request (a bad value is a 400 naming it)."""
        if not hasattr(self, "_validated_query"):
            query = ListingQuerySerializer(data=self.request.query_params.dict())
            query.is_valid(raise_exception=True)
            self._validated_query = query
        return self._validated_query

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Listing.objects.none()
        query = self._query()
        if not query.validated_data["mine"]:
            listings = selectors.public_listings(query.filters())
        elif self.request.user.is_authenticated:
            listings = _apply(selectors.listings_of_user(self.request.user), query.filters())
        else:
            raise NotAuthenticated
        return listings.select_related("broker__user").prefetch_related("patents", "attachments")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list" and not getattr(self, "swagger_fake_view", False):
            # The caller's own or brokered listings: they may read the moderators' notes.
            context["show_notes"] = self._query().validated_data["mine"]
        return context

    def _visible(self, pk) -> Listing:
        listing = selectors.listing_for_page(pk=pk, user=self.request.user)
        if listing is None:
            raise NotFound(_("No such listing."))
        return listing

    def get_object(self) -> Listing:
        return self._visible(self.kwargs[self.lookup_url_kwarg or self.lookup_field])

    def _editable(self, pk) -> Listing:
        listing = self._visible(pk)
        if not permissions.can_edit_listing(self.request.user, listing):
            raise PermissionDenied(_("You cannot change this listing now."))
        return listing

    def _represent(self, listing: Listing, **kwargs) -> Response:
        context = {
            **super().get_serializer_context(),
            "show_notes": permissions.can_view_history(self.request.user, listing),
        }
        return Response(ListingSerializer(listing, context=context).data, **kwargs)

    def retrieve(self, request, pk=None):
        return self._represent(self._visible(pk))

    # Writes

    def create(self, request):
        serializer = ListingCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        listing = services.listing_create(
            actor=request.user,
            organisation=data.pop("organisation"),
            terms=data.pop("deal_terms"),
            patents=data.pop("patents", []),
            **data,
        )
        return self._represent(self._visible(listing.pk), status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        listing = self._editable(pk)
        serializer = ListingUpdateSerializer(
            listing, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        services.listing_update(
            actor=request.user,
            listing=listing,
            terms=data.pop("deal_terms", None),
            patents=data.pop("patents", None),
            **data,
        )
        return self._represent(self._visible(pk))

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(
        parameters=[LISTING_ID],
        request=TransitionSerializer,
        responses={200: ListingSerializer},
        description="Move the listing along the workflow: draft → submitted → published, and back or aside. "
        "A transition the listing's status does not allow is a 400 saying why.",
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        listing = self._visible(pk)
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["name"]
        if not permissions.is_transition_actor(request.user, listing, name):
            raise PermissionDenied(_("You cannot take this action on this listing."))
        services.listing_transition(
            actor=request.user, listing=listing, name=name, reason=serializer.validated_data["reason"]
        )
        return self._represent(self._visible(pk))

    # Images and files

    @extend_schema(
        parameters=[LISTING_ID],
        request={"multipart/form-data": ImageUploadSerializer},
        responses={201: ImageSerializer},
        description="Add an image (at most 8 per listing). A file that is not a JPEG, PNG or WebP image by its "
        "content, is damaged, or has too many pixels or bytes is a 400 with the reason, and nothing is stored.",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def images(self, request, pk=None):
        listing = self._editable(pk)
        serializer = ImageUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        image = services.listing_image_add(actor=request.user, listing=listing, **serializer.validated_data)
        return Response(
            ImageSerializer(image, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        parameters=[LISTING_ID, IMAGE_ID],
        request=None,
        responses={204: None},
        description="Remove an image and its renditions.",
    )
    @action(detail=True, methods=["delete"], url_path=r"images/(?P<image_id>[0-9]+)")
    def image_delete(self, request, pk=None, image_id=None):
        listing = self._visible(pk)
        image = ListingImage.objects.filter(pk=image_id, listing=listing).select_related("listing").first()
        if image is None:
            raise NotFound(_("No such image on this listing."))
        if not permissions.can_edit_listing(request.user, listing):
            raise PermissionDenied(_("You cannot change this listing now."))
        services.listing_image_delete(actor=request.user, image=image)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[LISTING_ID],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
        description="Attach a PDF file. Anything that is not a complete PDF by its content is a 400 with the reason, "
        "and nothing is stored.",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        listing = self._editable(pk)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.listing_attachment_add(actor=request.user, listing=listing, **serializer.validated_data)
        return Response(
            AttachmentSerializer(attachment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[LISTING_ID, ATTACHMENT_ID],
        request=None,
        responses={204: None},
        description="Remove a PDF file.",
    )
    @action(detail=True, methods=["delete"], url_path=r"attachments/(?P<attachment_id>[0-9]+)")
    def attachment_delete(self, request, pk=None, attachment_id=None):
        listing = self._visible(pk)
        attachment = (
            ListingAttachment.objects.filter(pk=attachment_id, listing=listing).select_related("listing").first()
        )
        if attachment is None:
            raise NotFound(_("No such file on this listing."))
        if not permissions.can_edit_listing(request.user, listing):
            raise PermissionDenied(_("You cannot change this listing now."))
        services.listing_attachment_delete(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)
