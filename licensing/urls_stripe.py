"""Stripe's webhook endpoint: outside the pages' language prefixes (Stripe posts to one fixed address)."""

from django.urls import path

from .views.stripe_webhook import stripe_webhook

urlpatterns = [
    path("payments/stripe/webhook/", stripe_webhook, name="stripe_webhook"),
]
