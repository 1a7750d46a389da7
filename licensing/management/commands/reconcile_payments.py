"""``manage.py reconcile_payments``: expire lapsed payment references, then ask each open payment's gateway what
became of it (starting any whose gateway was never called). A timer runs it every quarter of an hour with
``--older-than 10`` (the webhooks settle the payments being paid this minute; this catches the webhooks that never
came); it is safe to run at any time. The same work is the task ``licensing.tasks.reconcile_payments_task``."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from licensing.payments.services import payments_expire, payments_reconcile, payments_to_reconcile
from techmarket.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Expire pending payments whose reference lapsed unpaid, then reconcile every pending payment with its "
        "gateway: start those never started, record what the gateway reports. Exits 1 if a gateway could not be "
        "reached (the next run tries again)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than",
            type=int,
            default=10,
            metavar="MINUTES",
            help="Reconcile only the open payments not changed for this many minutes (default 10; 0: all of them).",
        )
        parser.add_argument(
            "--now",
            type=datetime.datetime.fromisoformat,
            help="The clock to use, as an ISO date and time (default: now).",
        )

    def handle(self, *args, now=None, older_than: int = 10, **options) -> None:
        if older_than < 0:
            raise CommandError("--older-than takes a number of minutes, 0 or more.")
        if now is None:
            now = timezone.now()
        elif timezone.is_naive(now):
            now = timezone.make_aware(now)
        expired = payments_expire(now=now)
        age = datetime.timedelta(minutes=older_than) if older_than else None
        bar = ProgressBar(self.stdout, "Reconciling payments", payments_to_reconcile(now=now, older_than=age).count())
        report = payments_reconcile(now=now, progress=bar.update, older_than=age)
        bar.clear()
        summary = (
            f"{expired + report.expired} payment(s) expired; {report.checked} pending payment(s) checked: "
            f"{report.started} started, {report.succeeded} paid, {report.failed} failed, "
            f"{report.pending} still pending."
        )
        if report.errors:
            raise CommandError(f"{summary} {len(report.errors)} could not be reconciled: " + "; ".join(report.errors))
        self.stdout.write(self.style.SUCCESS(summary))
