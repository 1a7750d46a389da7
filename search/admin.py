"""The Django admin for saved searches: staff look them up; the record of alerts sent is read-only."""

from django.contrib import admin

from .models import SavedSearch, SearchAlertSent, SynonymGroup


class SearchAlertSentInline(admin.TabularInline):
    model = SearchAlertSent
    extra = 0
    fields = ("listing", "sent_at")
    readonly_fields = ("listing", "sent_at")
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "alerts", "created_at", "last_sent_at")
    list_filter = ("alerts",)
    search_fields = ("name", "querystring", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    readonly_fields = ("created_at", "alerts_since", "last_sent_at")
    date_hierarchy = "created_at"
    inlines = [SearchAlertSentInline]


@admin.register(SearchAlertSent)
class SearchAlertSentAdmin(admin.ModelAdmin):
    """What each alert mailed: a record that keeps a listing from being mailed twice, so it is not edited here."""

    list_display = ("saved_search", "listing", "sent_at")
    list_select_related = ("saved_search", "listing")
    search_fields = ("saved_search__name", "saved_search__user__email", "listing__title_zh")
    date_hierarchy = "sent_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SynonymGroup)
class SynonymGroupAdmin(admin.ModelAdmin):
    """The staff's synonyms: a change applies to the next searches, without a reindex."""

    list_display = ("forms", "field", "is_active", "updated_at")
    list_filter = ("is_active", "field")
    list_editable = ("is_active",)
    search_fields = ("forms",)
    list_select_related = ("field",)
