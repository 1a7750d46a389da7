"""The Django admin for listings: platform staff look things up and fix details here.

Status changes are not made here: they go through the site's review pages, so
that every one is audited and mailed. Images and files uploaded here pass the
same model validators and cleaning as anywhere else.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import DealTerm, Demand, Inquiry, InquiryMessage, Listing, ListingAttachment, ListingImage, Proposal
from .services.listings import LISTING_FIELDS
from .validators import validate_listing_patents


class DealTermInline(admin.TabularInline):
    model = DealTerm
    extra = 0


class ListingImageInline(admin.TabularInline):
    model = ListingImage
    extra = 0
    max_num = 8
    fields = ("image", "caption", "position", "width", "height")
    readonly_fields = ("width", "height")


class ListingAttachmentInline(admin.TabularInline):
    model = ListingAttachment
    extra = 0
    fields = ("file", "title", "size", "download")
    readonly_fields = ("size", "download")

    @admin.display(description=_("download"))
    def download(self, attachment: ListingAttachment) -> str:
        """The download view: the media address of a PDF is not served (techmarket/downloads.py)."""
        if not attachment.pk:
            return "-"
        return format_html('<a href="{}" download>{}</a>', attachment.get_absolute_url(), attachment.download_name)


class ListingAdminForm(forms.ModelForm):
    class Meta:
        model = Listing
        fields = ["organisation", *LISTING_FIELDS, "patents", "broker"]

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation") or getattr(self.instance, "organisation", None)
        if "patents" in data and organisation is not None:
            try:
                validate_listing_patents(
                    kind=data.get("kind", self.instance.kind), organisation=organisation, patents=list(data["patents"])
                )
            except forms.ValidationError as error:
                self.add_error("patents", error.message_dict["patents"])
        return data


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    form = ListingAdminForm
    list_display = ("title_zh", "organisation", "province", "field", "kind", "status", "published_at")
    list_filter = ("status", "kind", "province", "field")
    search_fields = ("title_zh", "title_en", "organisation__name_zh")
    list_select_related = ("organisation", "field")
    autocomplete_fields = ("patents",)
    raw_id_fields = ("organisation", "broker")
    readonly_fields = ("status", "province", "city", "ipc_codes", "moderation_note", "submitted_at", "published_at")
    inlines = [DealTermInline, ListingImageInline, ListingAttachmentInline]
    date_hierarchy = "created_at"


class InquiryMessageInline(admin.TabularInline):
    model = InquiryMessage
    extra = 0
    readonly_fields = ("author", "body", "created_at")
    can_delete = False


@admin.register(Inquiry)
class InquiryAdmin(admin.ModelAdmin):
    list_display = ("listing", "sender", "organisation", "budget", "status", "created_at")
    list_filter = ("status", "budget", "timeline")
    search_fields = ("listing__title_zh", "sender__email", "intended_use")
    raw_id_fields = ("listing", "sender", "organisation")
    readonly_fields = ("status",)
    inlines = [InquiryMessageInline]


class ProposalInline(admin.TabularInline):
    model = Proposal
    extra = 0
    fields = ("organisation", "status", "created_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "province", "field", "deadline", "status")
    list_filter = ("status", "province", "field", "open_to_all_provinces")
    search_fields = ("title", "problem", "organisation__name_zh")
    raw_id_fields = ("organisation",)
    readonly_fields = ("status", "province")
    inlines = [ProposalInline]
