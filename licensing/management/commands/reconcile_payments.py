"""``manage.py reconcile_payments``: expire lapsed payment references, then ask each pending payment's gateway what
became of it (starting any whose gateway was never called). A timer runs it daily; it is safe to run at any time."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from licensing.models import Payment
from licensing.payments.services import payments_expire, payments_reconcile
from techmarket.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Expire pending payments whose reference lapsed unpaid, then reconcile every pending payment with its "
        "gateway: start those never started, record what the gateway reports. Exits 1 if a gateway could not be "
        "reached (the next run tries again)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now",
            type=datetime.datetime.fromisoformat,
            help="The clock to use, as an ISO date and time (default: now).",
        )

    def handle(self, *args, now=None, **options) -> None:
        if now is None:
            now = timezone.now()
        elif timezone.is_naive(now):
            now = timezone.make_aware(now)
        expired = payments_expire(now=now)
        bar = ProgressBar(self.stdout, "Reconciling payments", Payment.objects.open().count())
        report = payments_reconcile(now=now, progress=bar.update)
        bar.clear()
        summary = (
            f"{expired + report.expired} payment(s) expired; {report.checked} pending payment(s) checked: "
            f"{report.started} started, {report.succeeded} paid, {report.failed} failed, "
            f"{report.pending} still pending."
        )
        if report.errors:
            raise CommandError(f"{summary} {len(report.errors)} could not be reconciled: " + "; ".join(report.errors))
        self.stdout.write(self.style.SUCCESS(summary))
