from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

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
    """Membership changes made here bypass the services; prefer the organisation's member page."""

    list_display = ["name_zh", "kind", "province_display", "credit_code", "verification_status", "created_at"]
    list_filter = ["verification_status", "kind", "province"]
    search_fields = ["name_zh", "name_en", "credit_code"]
    readonly_fields = ["verified_at", "verified_by", "created_at"]
    inlines = [MembershipInline]

    @admin.display(description=_("province"), ordering="province")
    def province_display(self, obj):
        return obj.province_name


@admin.register(BrokerProfile)
class BrokerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "certificate_number", "agency", "is_active"]
    search_fields = ["user__name", "user__email", "certificate_number"]
    autocomplete_fields = ["user", "agency"]
    filter_horizontal = ["fields"]
