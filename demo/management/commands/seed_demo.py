"""``manage.py seed_demo``: fill a fresh site with demo organisations, people, registry and market, then index it.

Safe to run again: every step looks its rows up before creating them, so a
second run adds nothing and a run that stopped half-way can simply be repeated.
The search index is rebuilt from the database at the end, so the site's search
finds what was seeded without a separate ``rebuild_search_index``.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from demo import accounts, licensing, listings, market, pages, registry
from demo.accounts import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, LOGINS
from demo.steps import DemoStep
from techmarket.progress import ProgressBar

# The services e-mail people through background tasks queued on commit. While
# seeding, the task backend is swapped for django-tasks' dummy backend, which
# records tasks without running them: no e-mail is rendered or sent, whether
# the site runs tasks at once (console mail in development) or queues them for
# a worker (production, where real mail to the demo addresses would go out).
# Each item commits inside the override, so its on-commit e-mails meet the dummy.
QUIET_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def demo_steps() -> tuple[DemoStep, ...]:
    """Every step, in order: each part builds on the rows of the parts before it.

    The accounts come first (organisations and people, then the finance staff, the firms' sizes and the risk
    funds), then the registry (patents held by the organisations, with their open licence declarations and the
    open licences taken under them), the listings (offering those patents), the demands and inquiries (about
    those listings), the pay-later offers and agreements (on those listings), and the editorial pages last.
    """
    return (
        *accounts.STEPS,
        *licensing.ACCOUNT_STEPS,
        *registry.STEPS,
        *listings.STEPS,
        *market.STEPS,
        *licensing.STEPS,
        *pages.STEPS,
    )


class Command(BaseCommand):
    help = "Create the demo organisations, people, registry and market (idempotent), index them, print the logins."

    def handle(self, *args, **options) -> None:
        with override_settings(TASKS=QUIET_TASKS):
            for step in demo_steps():
                self.run_step(step)
        self.build_search_index()
        self.print_logins()

    def run_step(self, step: DemoStep) -> None:
        """Seed every item of the step, each in its own transaction, with a progress bar on a terminal."""
        total, created = len(step.items), 0
        bar = ProgressBar(self.stdout, step.label, total)
        for done, item in enumerate(step.items, start=1):
            with transaction.atomic():
                created += bool(step.apply(item))
            bar.update(done)
        bar.clear()
        summary = f"{step.label} {total}/{total} ({created} new, {total - created} already there)"
        self.stdout.write(self.style.SUCCESS(summary))

    def build_search_index(self) -> None:
        """Replace the search index with the documents of the database: ``rebuild_search_index``, with its progress
        bar and counts. The steps ran with tasks switched off, so the index upkeep they queued never ran; one
        rebuild at the end is also quicker than a write per row."""
        call_command("rebuild_search_index", stdout=self.stdout)

    def print_logins(self) -> None:
        rows = [("Role", "E-mail", "Phone", "Password")]
        logins = (*LOGINS, (licensing.FINANCE_ROLE, licensing.FINANCE))
        rows += [(role, person.email, person.phone or "-", DEMO_PASSWORD) for role, person in logins]
        widths = [max(_width(row[column]) for row in rows) for column in range(len(rows[0]))]
        self.stdout.write("\nDemo logins (sign in with the e-mail address or the phone number):")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write(f"Other organisations' administrators: <key>.admin@{DEMO_EMAIL_DOMAIN}, same password.")


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" else 1 for char in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
