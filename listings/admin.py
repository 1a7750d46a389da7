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
from .services.listings import LISTING_FIELDS, listings_open_licence_publish
from .validators import validate_deal_modes, validate_listing_patents, validate_registry_terms


class DealTermFormSet(forms.BaseInlineFormSet):
    """The deal terms together obey the same rules as on the site: modes that go together, and what the registry
    allows (open licences only for declared patents, none exclusive beside one, co-owners' consent)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        modes = [
            form.cleaned_data["mode"]
            for form in self.forms
            if form.cleaned_data.get("mode") and not form.cleaned_data.get("DELETE")
        ]
        listing = self.instance
        patents = getattr(listing, "admin_patents", None)
        if patents is None:
            patents = list(listing.patents.all()) if listing.pk else []
        errors = []
        for check in (
            lambda: validate_deal_modes(kind=listing.kind, modes=modes),
            lambda: validate_registry_terms(
                organisation=listing.organisation if listing.organisation_id else None,
                patents=patents,
                modes=modes,
                co_owner_consent=listing.co_owner_consent,
            ),
        ):
            try:
                check()
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)


class DealTermInline(admin.TabularInline):
    model = DealTerm
    formset = DealTermFormSet
    extra = 0
    readonly_fields = ("published_terms",)


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

    def save_form(self, request, form, change):
        listing = super().save_form(request, form, change)
        # The deal terms' formset checks the registry's rules against the patents chosen on this form.
        listing.admin_patents = list(form.cleaned_data.get("patents") or [])
        return listing

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        listings_open_licence_publish(patents=list(form.instance.patents.all()))


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
