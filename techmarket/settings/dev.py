"""Local development: the embedded deployment served by ``make run``."""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import env_int, env_str

# The embedded deployment keeps its SQLite file, media and search index here.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = True
SERVE_MEDIA = True
# A fixed key is fine on a developer's machine; production refuses to start without a real one.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-5f0c8a2e7d1b4c39a6e2f8d0b7c5a1e3")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Pages straight from the templates while they are being edited.
LISTING_PAGE_CACHE_SECONDS = env_int("LISTING_PAGE_CACHE_SECONDS", 0)
