from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from search import indexing
from search.backends import SearchUnavailable, get_backend
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

        try:
            written = indexing.rebuild(progress=step)
        except SearchUnavailable as error:
            bar.clear()
            raise CommandError(_("The search backend refused the new index: %(error)s") % {"error": error}) from error
        bar.clear()
        self.stdout.write(
            _("Indexed %(listings)s listings and %(demands)s demands in %(backend)s.")
            % {"listings": f"{written['listings']:,}", "demands": f"{written['demands']:,}", "backend": get_backend()}
        )
