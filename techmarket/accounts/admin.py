from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from techmarket.admin import ReadOnlyAdmin

from . import permissions, services
from .choices import PROTECTED_FIELDS
from .exceptions import AccountsError
from .models import BrokerProfile, Membership, Organisation, OrganisationChangeRequest, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "phone", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "name", "phone"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["name", "phone"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "approved_at"]


@admin.register(Organisation)
class OrganisationAdmin(GuardedModelAdmin):
    """Verification goes through the service (audit row, e-mail); memberships are managed on the site."""

    list_display = ["name_zh", "kind", "province_display", "credit_code", "verification_status", "created_at"]
    list_filter = ["verification_status", "kind", "province"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    readonly_fields = ["verification_status", "verification_note", "verified_at", "verified_by", "created_at"]
    inlines = [MembershipInline]
    actions = ["verify_selected"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as on the site's own form

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_verified:
            # The badge vouches for these: they change only through an approved change request (below).
            fields += [name for name in PROTECTED_FIELDS if name not in fields]
        return fields

    @admin.action(description=_("Verify the selected organisations"))
    def verify_selected(self, request, queryset):
        verified = 0
        for organisation in queryset:
            try:
                services.organisation_verify(actor=request.user, organisation=organisation, approve=True)
            except PermissionDenied:
                self.message_user(request, _("Only platform staff verify organisations."), messages.ERROR)
                return
            except AccountsError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                verified += 1
        self.message_user(request, _("%(count)d organisations verified.") % {"count": verified})

    @admin.display(description=_("province"), ordering="province")
    def province_display(self, obj):
        return obj.province_name


@admin.register(BrokerProfile)
class BrokerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "certificate_number", "agency", "is_active"]
    search_fields = ["user__name", "user__email", "certificate_number"]
    autocomplete_fields = ["user", "agency"]
    filter_horizontal = ["fields"]


@admin.register(OrganisationChangeRequest)
class OrganisationChangeRequestAdmin(ReadOnlyAdmin):
    """Change requests are asked on the site and decided through the services (audit row, e-mail), never edited."""

    list_display = ["organisation", "changes_display", "status", "requested_by", "requested_at", "decided_by"]
    list_filter = ["status"]
    list_select_related = ["organisation", "requested_by", "decided_by"]
    search_fields = ["organisation__name_zh", "name_zh", "credit_code"]
    fields = [
        "organisation",
        "changes_display",
        "status",
        "requested_by",
        "requested_at",
        "decision_note",
        "decided_by",
        "decided_at",
    ]
    readonly_fields = fields
    actions = ["approve_selected", "reject_selected"]

    def has_decide_permission(self, request):
        return permissions.can_decide_organisation_changes(request.user)

    @admin.display(description=_("changes"))
    def changes_display(self, obj):
        return "; ".join(f"{label}: {before} → {after}" for label, before, after in obj.changes())

    @admin.action(description=_("Approve the selected change requests"), permissions=["decide"])
    def approve_selected(self, request, queryset):
        approved = 0
        for change_request in queryset:
            try:
                services.organisation_change_approve(actor=request.user, change_request=change_request)
            except AccountsError as error:
                self.message_user(request, f"{change_request.organisation}: {error}", messages.ERROR)
            else:
                approved += 1
        self.message_user(request, _("%(count)d change requests approved.") % {"count": approved})

    @admin.action(description=_("Reject the selected change requests"), permissions=["decide"])
    def reject_selected(self, request, queryset):
        # Rejecting needs a reason for the organisation: the first post shows a page asking for it.
        note = request.POST.get("note", "").strip()
        if "confirm" not in request.POST or not note:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Reject the selected change requests"),
                "opts": self.model._meta,
                "change_requests": queryset.select_related("organisation"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "missing_note": "confirm" in request.POST,
            }
            return TemplateResponse(request, "admin/accounts/organisationchangerequest/reject.html", context)
        rejected = 0
        for change_request in queryset:
            try:
                services.organisation_change_reject(actor=request.user, change_request=change_request, note=note)
            except AccountsError as error:
                self.message_user(request, f"{change_request.organisation}: {error}", messages.ERROR)
            else:
                rejected += 1
        self.message_user(request, _("%(count)d change requests rejected.") % {"count": rejected})
        return None
