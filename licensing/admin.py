"""Admin for licensing: staff look things up here; the services write them.

Payments, gateway transactions, fund movements, declarations, licences, agreements and reports are read-only: they
change through their services (with row locks, transitions and audit rows), never by editing a row. What staff do
here: set up a risk fund (its name, coverage and cap; its balance moves only through the fund's ledger, top-ups on
the fund's page, payouts of approved claims), and refund a payment (the finance staff, through the payment service).
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from techmarket.admin import ReadOnlyAdmin

from . import permissions
from .exceptions import LicensingError
from .forms_finance import RefundForm
from .models import (
    Agreement,
    AgreementEvent,
    Claim,
    CreditRecord,
    Declaration,
    DeclarationConsent,
    DeclaredPatent,
    FundMovement,
    Instalment,
    LicenceNotice,
    OpenLicence,
    PayLaterOffer,
    Payment,
    RiskFund,
    RoyaltyReport,
    StripeEvent,
    Transaction,
)
from .payments.services import payment_refund, yuan


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class TransactionInline(ReadOnlyInline):
    model = Transaction
    fields = ["created_at", "operation", "gateway", "succeeded", "error", "actor", "request", "response"]
    readonly_fields = fields


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    """Payments as recorded. The finance staff refund one from here (the action "Refund"): through Stripe for a
    Stripe payment, recorded as returned for a bank transfer; the payment service decides what may be refunded."""

    list_display = [
        "reference",
        "purpose",
        "amount",
        "refunded_amount",
        "payer",
        "payee",
        "gateway",
        "state",
        "expires_at",
        "created_at",
    ]
    list_filter = ["state", "purpose", "gateway"]
    search_fields = ["reference", "gateway_reference", "payer__name_zh", "payee__name_zh"]
    list_select_related = ["payer", "payee"]
    date_hierarchy = "created_at"
    inlines = [TransactionInline]
    actions = ["refund_selected"]

    def has_refund_permission(self, request) -> bool:
        return permissions.can_refund_payments(request.user)

    @admin.action(description=_("Refund the selected payment"), permissions=["refund"])
    def refund_selected(self, request, queryset):
        payments = list(queryset.select_related("payer", "payee")[:2])
        if len(payments) != 1:
            self.message_user(request, _("Refund one payment at a time."), messages.ERROR)
            return None
        [payment] = payments
        form = RefundForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            try:
                payment_refund(
                    actor=request.user,
                    payment=payment,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    waived=form.cleaned_data["waived"],
                )
            except LicensingError as error:
                form.add_error(None, str(error))
            else:
                payment.refresh_from_db()
                self.message_user(
                    request,
                    _("Payment %(reference)s: %(refunded)s refunded in all; it is %(state)s.")
                    % {
                        "reference": payment.reference,
                        "refunded": yuan(payment.refunded_amount),
                        "state": payment.get_state_display(),
                    },
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refund payment %(reference)s") % {"reference": payment.reference},
            "opts": self.model._meta,
            "payment": payment,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(request, "admin/licensing/payment/refund.html", context, status=status)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    """The webhook events Stripe delivered, each once, as received (a refused move is noted in its payload)."""

    list_display = ["event_id", "type", "object_id", "created", "processed_at"]
    list_filter = ["type"]
    search_fields = ["event_id", "object_id"]
    date_hierarchy = "processed_at"


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["payment", "operation", "gateway", "succeeded", "created_at"]
    list_filter = ["operation", "gateway", "succeeded"]
    search_fields = ["payment__reference"]
    list_select_related = ["payment"]


class FundMovementInline(ReadOnlyInline):
    model = FundMovement
    fields = ["created_at", "kind", "amount", "balance_after", "claim", "note", "actor"]
    readonly_fields = fields
    ordering = ["-created_at", "-pk"]


@admin.register(RiskFund)
class RiskFundAdmin(admin.ModelAdmin):
    """An administrator creates a fund and sets its coverage and cap; the balance moves only through the ledger."""

    list_display = ["region", "name", "balance", "coverage_ratio", "per_agreement_cap", "updated_at"]
    fields = ["region", "name", "balance", "coverage_ratio", "per_agreement_cap"]
    readonly_fields = ["balance"]
    inlines = [FundMovementInline]

    def get_readonly_fields(self, request, obj=None):
        # A fund's region is its identity in addresses and claims: set once.
        return ["balance", "region"] if obj is not None else ["balance"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FundMovement)
class FundMovementAdmin(ReadOnlyAdmin):
    list_display = ["fund", "kind", "amount", "balance_after", "note", "actor", "created_at"]
    list_filter = ["fund", "kind"]
    list_select_related = ["fund", "actor"]
    search_fields = ["note"]


@admin.register(Claim)
class ClaimAdmin(ReadOnlyAdmin):
    list_display = ["agreement", "fund", "amount_owed", "amount", "status", "decided_at", "created_at"]
    list_filter = ["status", "fund"]
    list_select_related = ["agreement", "fund"]
    search_fields = ["agreement__reference"]


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "agreement", "amount_unpaid", "recorded_on"]
    list_select_related = ["organisation", "agreement"]
    search_fields = ["organisation__name_zh", "agreement__reference"]


class DeclaredPatentInline(ReadOnlyInline):
    model = DeclaredPatent
    fields = ["patent", "entry", "withdrawal_entry"]
    readonly_fields = fields


class DeclarationConsentInline(ReadOnlyInline):
    model = DeclarationConsent
    fields = ["organisation", "status", "decided_by", "decided_at", "note"]
    readonly_fields = fields


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "licensor", "fee_type", "status", "effective_on", "period_end", "withdrawn_on"]
    list_filter = ["status", "fee_type"]
    list_select_related = ["licensor"]
    search_fields = ["licensor__name_zh", "declared_patents__patent__application_number"]
    inlines = [DeclaredPatentInline, DeclarationConsentInline]


@admin.register(OpenLicence)
class OpenLicenceAdmin(ReadOnlyAdmin):
    list_display = ["reference", "licensor", "licensee", "fee_type", "status", "term_start", "term_end", "effective_on"]
    list_filter = ["status", "fee_type"]
    list_select_related = ["licensor", "licensee"]
    search_fields = ["reference", "licensor__name_zh", "licensee__name_zh"]


@admin.register(LicenceNotice)
class LicenceNoticeAdmin(ReadOnlyAdmin):
    list_display = ["licence", "sha256_html", "sha256_pdf", "confirmed_by", "confirmed_at"]
    list_select_related = ["licence", "confirmed_by"]
    search_fields = ["licence__reference", "sha256_html", "sha256_pdf"]
    exclude = ["pdf"]  # the file is handed out by the licence's pages, not linked from the admin


@admin.register(PayLaterOffer)
class PayLaterOfferAdmin(ReadOnlyAdmin):
    list_display = ["listing", "trial_months", "trigger", "payment_form", "fee", "fund_covered", "is_active"]
    list_filter = ["is_active", "trigger", "payment_form", "fund_covered"]
    list_select_related = ["listing"]


class AgreementEventInline(ReadOnlyInline):
    model = AgreementEvent
    fields = ["on", "transition", "from_state", "to_state", "actor", "reason"]
    readonly_fields = fields


class InstalmentInline(ReadOnlyInline):
    model = Instalment
    fields = ["number", "due_on", "amount", "status", "payment", "reminded_at"]
    readonly_fields = fields


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["reference", "licensor", "licensee", "state", "trial_start", "payment_start", "fund_covered"]
    list_filter = ["state", "fund_covered"]
    list_select_related = ["licensor", "licensee"]
    search_fields = ["reference", "licensor__name_zh", "licensee__name_zh"]
    inlines = [InstalmentInline, AgreementEventInline]


@admin.register(RoyaltyReport)
class RoyaltyReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "period_start", "period_end", "due_on", "royalty", "status"]
    list_filter = ["status", "base"]
    list_select_related = ["licence", "agreement"]
    search_fields = ["licence__reference", "agreement__reference"]
