"""Payments: a gateway interface (``base``), the gateways (``bank_transfer``; Stripe in its own module), and the
services that write :class:`~licensing.models.Payment` rows and move them through their states (``services``).

Whatever a payment is for registers a handler for its purpose (:func:`services.on_succeeded`); when a payment
succeeds, the handler runs in the same transaction (an open licence takes effect, an instalment is paid).
"""
