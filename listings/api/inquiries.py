"""Inquiries through the API: a firm asks about a listing; the owner side and the firm talk in a thread.

Only the parties see an inquiry: its sender, the owner organisation's members
and the listing's assigned broker (``permissions.is_inquiry_party``); for
everyone else it is a 404. Writes go through ``services.inquiries``, which
check the permissions again, apply the rate limit (a 429 with the time the
caller may send again), write the audit rows and send the e-mails.

The schema's descriptions are for developers and stay in English; messages
that reach a response are translated.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from techmarket.accounts.models import Membership
from techmarket.ratelimit import ratelimit_hit

from .. import permissions
from ..choices import InquiryStatus
from ..models import Inquiry, InquiryMessage
from ..selectors import inquiries as selectors
from ..services import inquiries as services
from .listings import AbsoluteURLField, OrganisationRefSerializer

BOXES = (("received", "received"), ("sent", "sent"))

# Representation ------------------------------------------------------------------------------------------------


class ListingRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="In the response's language when it has one.")
    url = AbsoluteURLField(source="get_absolute_url", help_text="The listing's page.")
    organisation = OrganisationRefSerializer(help_text="The owner.")


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.EmailField()


class InquirySerializer(serializers.ModelSerializer):
    url = AbsoluteURLField(source="get_absolute_url", help_text="The thread's page.")
    listing = ListingRefSerializer()
    sender = PersonSerializer()
    organisation = OrganisationRefSerializer(allow_null=True, help_text="The organisation the sender acts for.")
    budget_label = serializers.CharField(source="get_budget_display")
    timeline_label = serializers.CharField(source="get_timeline_display")
    side = serializers.SerializerMethodField(
        help_text="sent: the caller sent it; received: the caller answers for the listing."
    )
    reply_count = serializers.IntegerField(help_text="Messages after the opening one.")

    class Meta:
        model = Inquiry
        fields = [
            "id",
            "url",
            "listing",
            "sender",
            "organisation",
            "intended_use",
            "budget",
            "budget_label",
            "timeline",
            "timeline_label",
            "status",
            "side",
            "reply_count",
            "created_at",
            "last_message_at",
        ]
        read_only_fields = fields

    def get_side(self, inquiry: Inquiry) -> str:
        request = self.context.get("request")
        return "sent" if request and inquiry.sender_id == request.user.pk else "received"


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(
        source="author.name", allow_null=True, help_text="Null for a message from the platform itself."
    )
    side = serializers.ChoiceField(
        choices=[("sender", "sender"), ("owner", "owner"), ("broker", "broker")],
        help_text="Who wrote it: the inquirer, the owner organisation or the assigned broker.",
    )

    class Meta:
        model = InquiryMessage
        fields = ["id", "author", "side", "body", "created_at"]
        read_only_fields = fields


class ThreadSerializer(InquirySerializer):
    broker = serializers.CharField(
        source="listing.broker.user.name",
        allow_null=True,
        help_text="The listing's technology-transfer manager, who also answers; null if none.",
    )
    messages = MessageSerializer(many=True, source="message_list", help_text="After the opening text, oldest first.")

    class Meta(InquirySerializer.Meta):
        fields = [*InquirySerializer.Meta.fields, "broker", "messages"]
        read_only_fields = fields


# Writes and query parameters -----------------------------------------------------------------------------------


class InquiryCreateSerializer(serializers.ModelSerializer):
    listing = serializers.IntegerField(min_value=1, help_text="Id of a published listing.")

    class Meta:
        model = Inquiry
        fields = ["listing", "intended_use", "budget", "timeline"]


class ReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = InquiryMessage
        fields = ["body"]


class InquiryQuerySerializer(serializers.Serializer):
    box = serializers.ChoiceField(
        choices=BOXES,
        required=False,
        help_text="received: about listings the caller answers for; sent: the caller's own; both when absent.",
    )
    status = serializers.ChoiceField(choices=InquiryStatus.choices, required=False)


# Views ---------------------------------------------------------------------------------------------------------

INQUIRY_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The inquiry's id.")
RATE_LIMITED = OpenApiResponse(description="Too many inquiries in 24 hours; the body says when the next may be sent.")


@extend_schema_view(
    list=extend_schema(
        parameters=[InquiryQuerySerializer],
        responses={200: InquirySerializer},
        description="The caller's inquiries, as sender or as one who answers for the listing, most recent activity "
        "first.",
    ),
    retrieve=extend_schema(
        parameters=[INQUIRY_ID],
        responses={200: ThreadSerializer},
        description="The thread: the opening text and every reply.",
    ),
    create=extend_schema(
        request=InquiryCreateSerializer,
        responses={201: ThreadSerializer, 429: RATE_LIMITED},
        description="Ask the owner about a published listing. One open inquiry per listing at a time; the owner's "
        "administrators and the assigned broker are told by e-mail. A listing the caller may not see is a 400, as is "
        "one that does not exist.",
    ),
)
class InquiryViewSet(viewsets.GenericViewSet):
    """Inquiries about listings, seen only by their parties."""

    permission_classes = [IsAuthenticated]
    serializer_class = InquirySerializer
    queryset = Inquiry.objects.all()  # the model, for the schema; each action reads through the selectors
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Inquiry.objects.none()
        query = InquiryQuerySerializer(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        user, box, status = self.request.user, query.validated_data.get("box"), query.validated_data.get("status")
        if box == "received":
            return selectors.received_inquiries(user, status=status or "")
        if box == "sent":
            return selectors.sent_inquiries(user, status=status or "")
        organisations = Membership.objects.active().filter(user=user).values("organisation_id")
        inquiries = Inquiry.objects.filter(
            Q(sender=user) | Q(listing__organisation__in=organisations) | Q(listing__broker__user=user)
        )
        if status:
            inquiries = inquiries.filter(status=status)
        return (
            inquiries.select_related("listing__organisation", "sender", "organisation")
            .annotate(reply_count=Count("messages"))
            .order_by("-last_message_at", "-id")
        )

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _thread(self, pk) -> Inquiry:
        inquiry = selectors.inquiry_thread(pk=pk, user=self.request.user)
        if inquiry is None:
            raise NotFound(_("No such inquiry."))
        inquiry.reply_count = len(inquiry.message_list)
        return inquiry

    def get_object(self) -> Inquiry:
        return self._thread(self.kwargs[self.lookup_url_kwarg or self.lookup_field])

    def _represent(self, pk, **kwargs) -> Response:
        return Response(ThreadSerializer(self._thread(pk), context=self.get_serializer_context()).data, **kwargs)

    def retrieve(self, request, pk=None):
        return self._represent(pk)

    def create(self, request):
        serializer = InquiryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # The same answer whether the listing does not exist or the caller may not see it: nothing leaks.
        listing = selectors.listing_to_inquire(pk=data.pop("listing"), user=request.user)
        if listing is None:
            raise ValidationError({"listing": [_("No such listing.")]})
        if not permissions.can_send_inquiry(request.user, listing):
            raise PermissionDenied(_("You cannot send an inquiry about this listing."))
        ratelimit_hit(request=request, scope="inquiry", account=str(request.user.pk))
        inquiry = services.inquiry_create(actor=request.user, listing=listing, **data)
        return self._represent(inquiry.pk, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[INQUIRY_ID],
        request=ReplySerializer,
        responses={201: ThreadSerializer},
        description="Add a message; the other side is told by e-mail. An answer from the owner side marks the "
        "inquiry answered; a message from the sender opens it again. A closed inquiry takes no replies (400).",
    )
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        inquiry = self._thread(pk)
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.inquiry_reply(actor=request.user, inquiry=inquiry, body=serializer.validated_data["body"])
        return self._represent(pk, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[INQUIRY_ID],
        request=None,
        responses={200: ThreadSerializer},
        description="Close the inquiry for good (either side may). The sender may then send a new one.",
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        inquiry = self._thread(pk)
        services.inquiry_close(actor=request.user, inquiry=inquiry)
        return self._represent(pk)
