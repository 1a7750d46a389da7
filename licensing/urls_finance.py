"""The payment page and the finance staff's pages."""

from django.urls import path

from .views import finance

urlpatterns = [
    path("payments/<str:reference>/", finance.payment_detail, name="payment_detail"),
    path("finance/payments/", finance.payments_to_confirm, name="payments_to_confirm"),
    path("finance/payments/<str:reference>/confirm/", finance.payment_confirm, name="payment_confirm"),
    path("finance/funds/", finance.fund_list, name="fund_list"),
    path("finance/funds/<str:region>/", finance.fund_detail, name="fund_detail"),
]
