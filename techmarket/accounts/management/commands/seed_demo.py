"""``manage.py seed_demo``: fill a fresh site with demo organisations, people and (later) market data.

Safe to run again: every step looks its rows up before creating them, so a
second run adds nothing and a run that stopped half-way can simply be repeated.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from techmarket.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, LOGINS
from techmarket.demo import DemoStep
from techmarket.progress import ProgressBar

# Apps whose ``demo`` module contributes ``STEPS``, in order: later apps use earlier apps' data.
STEP_MODULES = ("techmarket.accounts.demo", "ip_registry.demo", "listings.demo", "listings.demo_market")

# The services e-mail people through background tasks queued on commit. While
# seeding, the task backend is swapped for django-tasks' dummy backend, which
# records tasks without running them: no e-mail is rendered or sent, whether
# the site runs tasks at once (console mail in development) or queues them for
# a worker (production, where real mail to the demo addresses would go out).
# Each item commits inside the override, so its on-commit e-mails meet the dummy.
QUIET_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


class Command(BaseCommand):
    help = "Create demo organisations, users and memberships (idempotent) and print the demo logins."

    def handle(self, *args, **options) -> None:
        steps = [step for path in STEP_MODULES for step in import_module(path).STEPS]
        with override_settings(TASKS=QUIET_TASKS):
            for step in steps:
                self.run_step(step)
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

    def print_logins(self) -> None:
        rows = [("Role", "E-mail", "Phone", "Password")]
        rows += [(role, person.email, person.phone or "-", DEMO_PASSWORD) for role, person in LOGINS]
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
