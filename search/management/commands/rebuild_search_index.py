from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from search import indexing
from search.backends import get_backend
from techmarket.progress import ProgressBar


class Command(BaseCommand):
    help = "Rebuild the search indexes (listings and demands) from the database; searches go on meanwhile."

    def handle(self, *args, **options):
        counts = indexing.indexable_counts()
        bar = ProgressBar(self.stdout, _("Indexing"), total=sum(counts.values()))
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            bar.update(done)

        written = indexing.rebuild(progress=step)
        bar.clear()
        self.stdout.write(
            _("Indexed %(listings)s listings and %(demands)s demands in %(backend)s.")
            % {"listings": f"{written['listings']:,}", "demands": f"{written['demands']:,}", "backend": get_backend()}
        )
