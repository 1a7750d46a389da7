"""The payment page (with the payer's choice of method, paying and coming back) and the finance staff's pages."""

from django.urls import path

from .views import checkout, finance

urlpatterns = [
    path("payments/<str:reference>/", finance.payment_detail, name="payment_detail"),
    path("payments/<str:reference>/method/", checkout.payment_method_choose, name="payment_method_choose"),
    path("payments/<str:reference>/card/", checkout.payment_card_confirm, name="payment_card_confirm"),
    path("payments/<str:reference>/return/", checkout.payment_return, name="payment_return"),
    path("payments/cards/new/<str:agreement>/", checkout.saved_method_start, name="saved_method_start"),
    path("payments/cards/<int:pk>/", checkout.saved_method_detail, name="saved_method_detail"),
    path("payments/cards/<int:pk>/remove/", checkout.saved_method_remove, name="saved_method_remove"),
    path("finance/payments/", finance.payments_to_confirm, name="payments_to_confirm"),
    path("finance/payments/<str:reference>/confirm/", finance.payment_confirm, name="payment_confirm"),
    path("finance/funds/", finance.fund_list, name="fund_list"),
    path("finance/funds/<str:region>/", finance.fund_detail, name="fund_detail"),
]
