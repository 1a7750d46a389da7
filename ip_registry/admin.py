"""Admin for the registry. The ledger is read-only here: events are recorded through the services."""

from django.contrib import admin

from techmarket.admin import ReadOnlyAdmin

from . import services
from .models import (
    JointApplication,
    LicenceRecordal,
    Patent,
    RegistryDocument,
    RegistryEntry,
    RightHolder,
    Target,
    Transfer,
    TransferTally,
)


class RightHolderInline(admin.TabularInline):
    model = RightHolder
    extra = 0
    can_delete = False
    readonly_fields = ["organisation", "share", "position"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Patent)
class PatentAdmin(admin.ModelAdmin):
    list_display = ["application_number", "title", "patent_type", "legal_status", "filing_date", "grant_date"]
    list_filter = ["patent_type", "legal_status"]
    search_fields = ["application_number", "title"]
    readonly_fields = ["application_number", "patent_type"]
    inlines = [RightHolderInline]

    def has_add_permission(self, request) -> bool:
        return False  # patents enter the registry through patent_register (import or services)

    def save_model(self, request, obj, form, change) -> None:
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in services.PATENT_EDITABLE_FIELDS
        }
        services.patent_update(actor=request.user, patent=obj, **changes)


@admin.register(RegistryEntry)
class RegistryEntryAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "patent", "kind", "registration_date", "from_region", "to_region", "cross_province"]
    list_filter = ["kind", "cross_province", "from_region", "to_region"]
    search_fields = ["patent__application_number", "registration_number"]
    list_select_related = ["patent"]
    date_hierarchy = "registration_date"


@admin.register(RegistryDocument)
class RegistryDocumentAdmin(ReadOnlyAdmin):
    """The entries' supporting documents, as recorded; clerks download them from the patent page."""

    list_display = ["entry", "name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    list_select_related = ["entry", "uploaded_by"]
    search_fields = ["sha256", "entry__patent__application_number"]
    exclude = ["file"]  # the admin would link the storage's address; the download view is the way to the file


@admin.register(LicenceRecordal)
class LicenceRecordalAdmin(ReadOnlyAdmin):
    """Licence contracts reported to the registry, recorded or awaiting recordal; the services write them."""

    list_display = ["patent", "licence_type", "effective_date", "deadline", "entry", "reminder_sent_at"]
    list_filter = ["licence_type"]
    list_select_related = ["patent", "entry"]
    search_fields = ["patent__application_number", "reference"]
    date_hierarchy = "deadline"


@admin.register(TransferTally)
class TransferTallyAdmin(ReadOnlyAdmin):
    """The statistics' monthly counts, for looking up a figure; only the services and the rebuild command write them."""

    list_display = ["month", "kind", "from_region", "to_region", "cross_province", "ipc_section", "transfers"]
    list_filter = ["kind", "cross_province", "from_region", "to_region", "ipc_section"]
    date_hierarchy = "month"


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    """The transfers the statistics count (one per patent, kind and registration day), derived from the ledger."""

    list_display = ["registration_date", "patent", "kind", "from_region", "to_region", "cross_province", "entries"]
    list_filter = ["kind", "cross_province", "from_region", "to_region", "ipc_section"]
    search_fields = ["patent__application_number"]
    list_select_related = ["patent"]
    date_hierarchy = "registration_date"


@admin.register(JointApplication)
class JointApplicationAdmin(ReadOnlyAdmin):
    """Cross-province joint invention applications, once per target region, from the applicants at filing."""

    list_display = ["filing_date", "patent", "region"]
    list_filter = ["region"]
    search_fields = ["patent__application_number"]
    list_select_related = ["patent"]
    date_hierarchy = "filing_date"


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["metric", "region", "period_start", "period_end", "comparison", "value", "kinds", "source"]
    list_filter = ["metric", "region"]
