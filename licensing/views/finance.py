"""The payment page (its parties and finance staff) and the finance staff's pages: bank transfers to confirm and
the risk funds with their ledgers.

A payment is its parties' business: anyone else gets a 404. The staff pages give a 403 to users without the
finance permissions (the sign-in page to visitors). A service's refusal is shown on the form with a 400, and
nothing is written then.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from techmarket.exceptions import Refused

from .. import permissions
from ..choices import Gateway, PaymentState
from ..forms_finance import ConfirmReceiptForm, FundTopUpForm, PaymentSearchForm
from ..models import Payment, RiskFund
from ..payments import selectors
from ..payments.bank_transfer import platform_bank_account
from ..payments.services import payment_confirm_receipt, yuan
from ..services.fund import fund_top_up
from .checkout import checkout_context, with_stripe_js

PAGE_SIZE = 25


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def _is_finance(user) -> bool:
    return permissions.can_confirm_payments(user) or permissions.can_manage_fund(user)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_safe
def payment_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """A payment: amount, purpose, state; for a pending bank transfer, the account to pay, the reference, the date;
    for its payer, the methods offered and, when paying through Stripe, the card, Alipay and WeChat Pay forms."""
    payment = selectors.payment_for_user(request.user, reference)
    if payment is None:
        raise Http404
    awaiting_transfer = payment.state == PaymentState.PENDING and payment.gateway == Gateway.BANK_TRANSFER
    can_confirm = awaiting_transfer and permissions.can_confirm_payments(request.user)
    context = {
        "payment": payment,
        "awaiting_transfer": awaiting_transfer,
        "account": platform_bank_account() if awaiting_transfer else None,
        "can_confirm": can_confirm,
        "form": ConfirmReceiptForm() if can_confirm else None,
        "transactions": payment.transactions.select_related("actor") if _is_finance(request.user) else None,
        **checkout_context(request, payment),
    }
    response = render(request, "licensing/finance/payment_detail.html", context)
    return with_stripe_js(response) if context["can_pay"] and context["stripe_checkout"] else response


@login_required
@require_safe
def payments_to_confirm(request: HttpRequest) -> HttpResponse:
    """Pending bank transfers, newest first, found by reference or payer; each with its confirmation form."""
    _require(permissions.can_confirm_payments(request.user))
    form = PaymentSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "licensing/finance/payments_to_confirm.html", {"form": form, "page": None}, status=400)
    search = form.cleaned_data["q"]
    page = Paginator(selectors.payments_to_confirm(search=search), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "search": search, "query": _query_without_page(request)}
    return render(request, "licensing/finance/payments_to_confirm.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def payment_confirm(request: HttpRequest, reference: str) -> HttpResponse:
    """Confirm that a bank transfer arrived: the amount received must match the amount due."""
    _require(permissions.can_confirm_payments(request.user))
    payment = get_object_or_404(Payment.objects.select_related("payer", "payee"), reference=reference)
    form = ConfirmReceiptForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                payment = payment_confirm_receipt(
                    actor=request.user, payment=payment, amount_received=form.cleaned_data["amount_received"]
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Payment %(reference)s is confirmed: %(amount)s received from %(payer)s.")
                    % {"reference": payment.reference, "amount": yuan(payment.amount), "payer": payment.payer.name_zh},
                )
                return redirect("licensing:payments_to_confirm")
        messages.error(request, _("Nothing was recorded; see the messages below."))
        status = 400
    return render(request, "licensing/finance/payment_confirm.html", {"payment": payment, "form": form}, status=status)


@login_required
@require_safe
def fund_list(request: HttpRequest) -> HttpResponse:
    """The risk funds: balance, coverage and cap of each."""
    _require(_is_finance(request.user))
    return render(request, "licensing/finance/fund_list.html", {"funds": RiskFund.objects.order_by("region")})


@login_required
@require_http_methods(["GET", "POST"])
def fund_detail(request: HttpRequest, region: str) -> HttpResponse:
    """A fund with its ledger (newest first, the balance after each movement) and, for fund staff, a top-up form."""
    _require(_is_finance(request.user))
    fund = get_object_or_404(RiskFund, region=region)
    can_top_up = permissions.can_manage_fund(request.user)
    form = FundTopUpForm(request.POST if request.method == "POST" else None) if can_top_up else None
    status = 200
    if request.method == "POST":
        _require(can_top_up)
        if form.is_valid():
            try:
                movement = fund_top_up(
                    actor=request.user, fund=fund, amount=form.cleaned_data["amount"], note=form.cleaned_data["note"]
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(amount)s added to %(fund)s; its balance is now %(balance)s.")
                    % {"amount": yuan(movement.amount), "fund": fund.name, "balance": yuan(movement.balance_after)},
                )
                return redirect(reverse("licensing:fund_detail", args=[fund.region]))
        messages.error(request, _("Nothing was recorded; see the messages below."))
        status = 400
    movements = fund.movements.select_related("actor", "claim").order_by("-created_at", "-pk")
    page = Paginator(movements, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for movement in page.object_list:
        movement.magnitude = abs(movement.amount)  # shown with its sign in front of the yuan sign
    context = {"fund": fund, "page": page, "form": form, "query": _query_without_page(request)}
    return render(request, "licensing/finance/fund_detail.html", context, status=status)
