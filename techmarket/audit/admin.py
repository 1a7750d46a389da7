from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from techmarket.admin import ReadOnlyAdmin

from .models import ACTION_LABELS, AuditEvent


class ActionFilter(admin.SimpleListFilter):
    """Filter by action under its readable name (failed sign-ins, lockouts, ...), each action the log holds."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct()
        return [(action, str(ACTION_LABELS.get(action, action))) for action in actions]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit log is written by services, never edited."""

    list_display = ["created_at", "actor", "action_label", "target_type", "target_id", "summary"]
    list_filter = [ActionFilter, "target_type"]
    search_fields = ["summary", "target_id", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "target_type"]

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, obj: AuditEvent) -> str:
        return obj.action_label
