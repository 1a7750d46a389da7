"""Test runs: SQLite in memory by default, PostgreSQL when DATABASE_URL is set."""

from .base import *  # noqa: F403
from .base import DATABASES, SQLITE_OPTIONS
from .env import env_str

SECRET_KEY = "test-only-key-3c1f9b7e5a2d4c6b8e0f1a3c5e7d9b2f4a6c8e0d"
DEBUG = False
SERVE_MEDIA = True
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if not env_str("DATABASE_URL"):
    # The embedded deployment's options (BEGIN IMMEDIATE, the busy timeout), so tests write as it does.
    DATABASES["default"] = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:", "OPTIONS": dict(SQLITE_OPTIONS)}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Static files come from the app finders in tests; no collected STATIC_ROOT to serve.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Each test sees the pages as they are now; tests of the page cache turn it on.
LISTING_PAGE_CACHE_SECONDS = 0
# Each test gets an empty search index in memory (tests/conftest.py); the backend contract tests use disk.
TANTIVY_INDEX_DIR = None
