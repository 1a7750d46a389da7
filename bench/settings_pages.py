"""Settings for ``bench/pages.py``: production's, on the benchmark's throwaway data, plus a trivial view.

``bench/pages.py`` sets the environment production insists on before this
module is read (a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, DATABASE_URL
naming a SQLite file in TECHMARKET_VAR_DIR, SECURE_SSL_REDIRECT off since the
server speaks plain HTTP on the loopback). Everything else is production's:
DEBUG off, the same middleware (WhiteNoise included), cached templates.
"""

from techmarket.settings.production import *  # noqa: F403
from techmarket.settings.production import STORAGES

# The project's URLs with /bench/trivial/ in front (see urls_pages.py); the project itself has no trivial view.
ROOT_URLCONF = "bench.urls_pages"

# The benchmark's data is made through the services, which queue e-mail tasks on commit: record them, send nothing.
TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

# Hashed names from a manifest as in production, without the gzip and Brotli copies: they take seconds to write
# and change nothing in the pages measured (static files are not requested by the benchmark).
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}

# Nobody signs in during the benchmark: a fast hasher saves the seconds its two accounts' passwords would take.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
