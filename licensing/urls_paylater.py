"""Use first, pay later: offers, applications, agreements, royalty reports and claims on the risk fund."""

from django.urls import path

from .views import paylater as views

urlpatterns = [
    path("listings/<int:pk>/pay-later/", views.offer_edit, name="offer_edit"),
    path("listings/<int:pk>/pay-later/apply/", views.agreement_apply, name="agreement_apply"),
    path("agreements/<str:reference>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<str:reference>/decide/", views.agreement_decide, name="agreement_decide"),
    path(
        "agreements/<str:reference>/<slug:name>/",
        views.agreement_action,
        name="agreement_action",
    ),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/decide/", views.report_decide, name="report_decide"),
    path("claims/", views.claim_list, name="claim_list"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
]
