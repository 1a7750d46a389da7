"""Licensing's system checks, registered by ``LicensingConfig.ready()``."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Warning, register

from .payments import stripe_gateway


@register("payments", deploy=True)
def stripe_webhook_secret(app_configs=None, **kwargs) -> list[Warning]:
    """Stripe on (its keys set) without the webhook's signing secret: every event Stripe sends is refused (400), so
    payments are settled only by ``reconcile_payments``, refunds made in Stripe's dashboard and disputes never
    reach the platform. A deployment check: a development machine may run Stripe without webhooks."""
    if not stripe_gateway.enabled() or settings.STRIPE_WEBHOOK_SECRET:
        return []
    return [
        Warning(
            "Stripe is enabled (STRIPE_SECRET_KEY and STRIPE_PUBLISHABLE_KEY are set) but STRIPE_WEBHOOK_SECRET is "
            "not: every webhook Stripe sends will be refused, so payments settle only when reconcile_payments runs, "
            "and refunds made in Stripe's dashboard and disputes are never recorded.",
            hint="Set STRIPE_WEBHOOK_SECRET to the signing secret (whsec_...) of the endpoint "
            "/payments/stripe/webhook/ in Stripe's dashboard.",
            id="licensing.W001",
        )
    ]
