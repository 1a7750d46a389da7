"""Open licence declarations: write, review, see, withdraw; co-owners answer."""

from django.urls import path

from .views import declarations as views

urlpatterns = [
    path("declarations/", views.declaration_list, name="declaration_list"),
    path("declarations/new/", views.declaration_create, name="declaration_create"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/withdraw/", views.declaration_withdraw, name="declaration_withdraw"),
    path("declarations/consents/<int:pk>/", views.consent_answer, name="consent_answer"),
]
