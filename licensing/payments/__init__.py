"""Payments: a gateway interface (``base``), the gateways (``bank_transfer``; Stripe in its own module), and the
services that write :class:`~licensing.models.Payment` rows and move them through their states (``services``).

Whatever a payment is for registers a handler for its purpose (:func:`services.on_succeeded`); when a payment
succeeds, the handler runs in the same transaction (an open licence takes effect, an instalment is paid). Likewise
:func:`services.on_expired` (lapsed or cancelled unpaid), :func:`services.on_refunded` (refunded in full: an open
licence is terminated) and :func:`services.on_disputed` (a chargeback opened or won: an open licence frozen or
unfrozen). :func:`services.on_setup_succeeded` receives each SetupIntent Stripe reports succeeded (a method saved for
off-session instalments).

Stripe's webhooks arrive at ``/payments/stripe/webhook/`` and are handled by ``webhooks``: each event verified, stored
once, dispatched by type.
"""
