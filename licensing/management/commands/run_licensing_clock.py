"""``manage.py run_licensing_clock``: the pay-later agreements' and royalty reports' daily moves. Run it once a day."""

import datetime
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing.services.clock import licensing_clock


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date takes a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "Ask firms at the end of their trial, convert those that did not answer in time, invoice and remind "
        "instalments, mark unpaid agreements overdue, in grace or defaulted (opening claims on the risk fund), and "
        "remind and escalate royalty reports. Running it twice on one day does nothing the second time."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", metavar="YYYY-MM-DD", help="The day to run for (default: today).")

    def handle(self, *args, date: str | None = None, **options) -> None:
        on = _day(date) if date else timezone.localdate()
        report = licensing_clock(on=on)
        self.stdout.write(
            _(
                "%(day)s: asked %(asked)d, converted %(converted)d, invoiced %(invoiced)d, charged to a saved card "
                "%(charged)d (action required %(action_required)d), reminded %(reminded)d, "
                "overdue %(overdue)d, grace %(grace)d, defaulted %(defaulted)d, claims %(claims)d, "
                "reports reminded %(reports_reminded)d, reports escalated %(reports_escalated)d."
            )
            % {"day": on.isoformat(), **asdict(report)}
        )
