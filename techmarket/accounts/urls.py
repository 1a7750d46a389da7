from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("account/", views.dashboard, name="dashboard"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/broker/", views.broker_profile, name="broker_profile"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/review/", views.verification_queue, name="verification_queue"),
    path("organisations/changes/<int:pk>/decide/", views.organisation_change_decide, name="organisation_change_decide"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/verify/", views.organisation_verify, name="organisation_verify"),
    path("organisations/<int:pk>/join/", views.membership_join, name="membership_join"),
    path("organisations/<int:pk>/members/", views.organisation_members, name="organisation_members"),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/approve/",
        views.membership_approve,
        name="membership_approve",
    ),
    path("organisations/<int:pk>/members/<int:membership_pk>/role/", views.membership_role, name="membership_role"),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove/", views.membership_remove, name="membership_remove"
    ),
]
