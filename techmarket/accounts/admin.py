from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from . import services
from .exceptions import AccountsError
from .models import BrokerProfile, Membership, Organisation, User


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
