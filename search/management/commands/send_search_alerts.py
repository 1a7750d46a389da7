"""``manage.py send_search_alerts``: e-mail each saved search's new matches. Run it once a day (cron, a timer)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from search.tasks import send_search_alerts_task


class Command(BaseCommand):
    help = (
        "E-mail every saved search with alerts on the listings published since it was saved that it has not "
        "mailed yet (never one listing twice). Run it once a day."
    )

    def handle(self, *args, **options) -> None:
        # Run here rather than queued, so that the count printed is the one this run sent.
        mails = send_search_alerts_task.call()
        self.stdout.write(
            ngettext("%(count)d search alert e-mail sent.", "%(count)d search alert e-mails sent.", mails)
            % {"count": mails}
        )
