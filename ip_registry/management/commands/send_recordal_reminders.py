"""``manage.py send_recordal_reminders``: e-mail the parties of licences due for recordal. Run it once a day."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from ip_registry.tasks import send_recordal_reminders_task


def _day(text: str) -> str:
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        raise CommandError(f"--on takes a date as YYYY-MM-DD, not {text!r}.") from None


class Command(BaseCommand):
    help = (
        "E-mail the licensor's administrators and the contact of every licence contract that must be recorded "
        "within a week and has not been recorded, once per contract. Run it once a day."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--on", metavar="YYYY-MM-DD", help="The day to count from (default: today), e.g. to catch up a day missed."
        )

    def handle(self, *args, on: str | None = None, **options) -> None:
        # Run here rather than queued, so that the count printed is the one this run sent.
        mails = send_recordal_reminders_task.call(on=_day(on) if on else None)
        self.stdout.write(
            ngettext("%(count)d recordal reminder sent.", "%(count)d recordal reminders sent.", mails)
            % {"count": mails}
        )
