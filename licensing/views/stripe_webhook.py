"""Stripe's webhook endpoint: a POST from Stripe, not from a browser, so no CSRF token and no session.

The answers are for Stripe's delivery log, in plain English: 200 when the event is processed or was delivered
before (Stripe stops retrying), 400 when the body is not a genuine, fresh event (nothing written; Stripe shows the
reason), and any error in a handler a 500, so Stripe delivers the event again later.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..payments.stripe_gateway import WebhookRejected
from ..payments.webhooks import stripe_event_receive

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        received = stripe_event_receive(payload=request.body, signature=request.headers.get("Stripe-Signature"))
    except WebhookRejected as error:
        logger.warning("Stripe webhook rejected: %s", error)
        return HttpResponseBadRequest(f"Rejected: {error}", content_type="text/plain; charset=utf-8")
    return HttpResponse(f"{received.outcome} {received.event_id}", content_type="text/plain; charset=utf-8")
