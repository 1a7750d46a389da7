"""Settings shared by every deployment.

Values that differ between machines come from the environment through the
helpers in ``env.py``; dev, test and production only override what they must.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from .env import env_bool, env_float, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("TECHMARKET_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Project apps first so their templates and translations win.
    "techmarket.accounts",
    "techmarket.regions",
    "techmarket.audit",
    "ip_registry",
    "listings",
    "licensing",
    "search",
    "cms",
    "demo",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "techmarket.accounts.wagtail_apps.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    # Third party
    "django_tasks",
    "guardian",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "techmarket.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "techmarket.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Late, so that the 429 page it renders has the user, the language and the messages of the request.
    "techmarket.middleware.TooManyRequestsMiddleware",
    # Innermost, so a view's "database is locked" becomes a 503 before anything else sees it.
    "techmarket.middleware.DatabaseBusyMiddleware",
]

# Content Security Policy (django-csp) on every response: scripts, styles, fonts and connections from the site
# itself only, nothing inline (the project's templates load their scripts and styles as static files), no plugins,
# no framing by other sites. Images may also be data: URLs (the API docs' and admin's icons) and come from the
# hosts in CSP_IMG_SOURCES (media on another host, e.g. object storage behind its own domain).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *env_list("CSP_IMG_SOURCES")],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}
# What third-party pages need on their own paths only (techmarket.middleware.ContentSecurityPolicyMiddleware):
# Wagtail's admin writes inline scripts (its users list, its editing forms). The Django admin and the API docs need
# nothing more than the site (tests/e2e/test_csp.py visits them).
CSP_PATH_RELAXATIONS = {
    "/cms-admin/": {"script-src": [UNSAFE_INLINE]},
}

ROOT_URLCONF = "techmarket.urls"
WSGI_APPLICATION = "techmarket.wsgi.application"
ASGI_APPLICATION = "techmarket.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "techmarket.context_processors.site",
                "cms.context_processors.contact",
            ],
            # Tag libraries of the project itself, for every app's templates.
            "libraries": {"money": "techmarket.templatetags.money"},
        },
    },
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite in var/ unless DATABASE_URL names another (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# SQLite has one writer at a time. WAL lets readers run beside it. Every transaction takes the write lock when it
# begins (BEGIN IMMEDIATE), so a writer waits up to `timeout` seconds for the one before it: begun DEFERRED, a
# transaction that reads before it writes fails at once with "database is locked" when another commits in between,
# because SQLite cannot turn its stale read into a write and does not wait for that. A lock held past the timeout is
# answered 503 with Retry-After (techmarket/errors.py), not 500.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": env_float("SQLITE_TIMEOUT", 20.0),
    "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and permissions
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "techmarket.accounts.backends.EmailOrPhoneBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# No guardian "anonymous user" row: anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PLATFORM_STAFF_GROUP = "platform-staff"

# The account firms pay licence fees into by bank transfer, quoting the payment's reference (licensing.payments).
PLATFORM_BANK_ACCOUNT = {
    "account_name": env_str("BANK_ACCOUNT_NAME", "长三角技术转移市场运营有限公司"),
    "bank": env_str("BANK_NAME", "中国工商银行上海市分行营业部"),
    "account_number": env_str("BANK_ACCOUNT_NUMBER", "1001 2345 6789 0123 456"),
}

# Languages: Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Editorial pages are written in Chinese and translated into English in the admin (Wagtail's locales, "Translate"
# on a page's menu); an English page lives under /en/ and a page not yet translated is served there as it is
# (cms.models.SitePage).
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# Static and media files
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "techmarket" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Let Django serve MEDIA_ROOT itself (the embedded deployment); production leaves this to its storage or web server.
SERVE_MEDIA = env_bool("SERVE_MEDIA", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The public address of the site, for links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail: printed to the console unless an SMTP host is configured.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "长三角技术转移市场 <noreply@techmarket.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Background tasks: run at once in the embedded deployment; a database queue
# with its worker process in production (see production.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Search (the search app reads these; Elasticsearch when its URL is set).
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")  # one or more, comma-separated; may carry user:password@
ELASTICSEARCH_API_KEY = env_str("ELASTICSEARCH_API_KEY")
ELASTICSEARCH_USERNAME = env_str("ELASTICSEARCH_USERNAME")
ELASTICSEARCH_PASSWORD = env_str("ELASTICSEARCH_PASSWORD")
ELASTICSEARCH_CA_CERTS = env_str("ELASTICSEARCH_CA_CERTS")  # a CA bundle file for a private certificate authority
ELASTICSEARCH_TIMEOUT = env_float("ELASTICSEARCH_TIMEOUT", 2.0)  # seconds a search may take before the fallback
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "techmarket")
# Chinese analysis: "cjk" (built in), "smartcn" or "ik_max_word" (when the cluster has that plugin).
ELASTICSEARCH_ANALYZER = env_str("ELASTICSEARCH_ANALYZER", "cjk")
TECHMARKET_SEARCH = env_str("TECHMARKET_SEARCH", "elasticsearch" if ELASTICSEARCH_URL else "tantivy")
TANTIVY_INDEX_DIR = VAR_DIR / "search"

# Payments: bank transfer always; Stripe (card, Alipay, WeChat Pay) when both its keys are set.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")  # the endpoint's signing secret, whsec_...
STRIPE_WEBHOOK_TOLERANCE = env_int("STRIPE_WEBHOOK_TOLERANCE", 300)  # seconds a signed event may be old
STRIPE_API_BASE = env_str("STRIPE_API_BASE")  # tests only: the local Stripe-compatible server
STRIPE_TIMEOUT = env_float("STRIPE_TIMEOUT", 10.0)  # seconds a call to Stripe may take
# The Stripe payment methods offered, of "card", "alipay", "wechat_pay".
PAYMENT_METHODS = env_list("PAYMENT_METHODS", ["card", "alipay", "wechat_pay"])

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Django REST framework's, with sign-in refusals (too many failures, a locked account) answered as 429s.
        "techmarket.accounts.authentication.BasicAuthentication",
    ],
    # API writes are rate-limited per address and account (RATELIMITS["api_write"]); reads are not.
    "DEFAULT_THROTTLE_CLASSES": ["techmarket.throttling.WriteRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # DRF's own three, with a JSON parser that answers a too deeply nested document with a 400.
    "DEFAULT_PARSER_CLASSES": [
        "techmarket.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "techmarket.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "techmarket.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TechMarket API",
    "DESCRIPTION": "长三角技术转移市场 public API: organisations and, as they land, listings, registry and search.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["techmarket.api.public_api_only"],
    # drf-spectacular's own (shared enums), then the error responses of every operation.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "techmarket.api_schema.error_responses"],
    # Names for choice sets that several fields share, or whose field name other choices also use.
    "ENUM_NAME_OVERRIDES": {
        "KindEnum": "techmarket.accounts.choices.OrganisationKind",
        "PatentTypeEnum": "ip_registry.numbers.PatentType",
        "RegistryEntryKindEnum": "ip_registry.choices.EntryKind",
        "RegistryRegionEnum": "ip_registry.choices.REGIONS",
        "ListingKindEnum": "listings.choices.ListingKind",
        "ListingStatusEnum": "listings.choices.ListingStatus",
        "DealModeEnum": "listings.choices.DealMode",
        "ListingTransitionEnum": "listings.api.listings.TRANSITION_CHOICES",
        "InquiryStatusEnum": "listings.choices.InquiryStatus",
        "DemandStatusEnum": "listings.choices.DemandStatus",
        "ProposalStatusEnum": "listings.choices.ProposalStatus",
    },
}

# Wagtail
WAGTAIL_SITE_NAME = "长三角技术转移市场"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The Wagtail admin calls no other site: no avatars from Gravatar (which would also hand it a hash of each
# editor's e-mail address) and no check for new releases. The Content-Security-Policy would block both anyway.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "csv", "zip"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Caches. "pages": the public listing pages and the editorial (Wagtail) pages kept whole for visitors who are not
# signed in (techmarket/pagecache.py), as files that every worker process of the machine shares, so that a change
# reaches them all at once. The files are one machine's: a deployment with several web machines points "pages" at a
# cache they share (or sets LISTING_PAGE_CACHE_SECONDS to 0), or a change would reach the other machines only when
# their pages expire.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": VAR_DIR / "cache" / "pages",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # "ratelimit": the counts of the rate limits and sign-in lockouts (techmarket/ratelimit.py), in the database so
    # that every worker process counts together. Its table is made by a migration (accounts 0003) and by
    # `manage.py createcachetable`. Culling would forget live locks, so it is kept for a table far larger than any
    # real one (rows also go when they are read after expiring).
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "techmarket_ratelimit",
        "TIMEOUT": None,
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}
# How long such a page is kept at most (0: never cached); any change to what the pages show forgets them at once.
LISTING_PAGE_CACHE_SECONDS = env_int("LISTING_PAGE_CACHE_SECONDS", 600)

# Listings: limits on uploaded images and files (checked by the model fields' validators).
LISTING_MAX_IMAGES = 8
LISTING_IMAGE_MAX_BYTES = env_int("LISTING_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
LISTING_IMAGE_MAX_PIXELS = env_int("LISTING_IMAGE_MAX_PIXELS", 40_000_000)
LISTING_ATTACHMENT_MAX_BYTES = env_int("LISTING_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
LISTING_ATTACHMENTS_MAX = 5
# The registry's supporting documents (a PDF, or a scan as an image), kept as uploaded (ip_registry/documents.py).
REGISTRY_DOCUMENT_MAX_BYTES = env_int("REGISTRY_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
REGISTRY_DOCUMENT_MAX_PIXELS = env_int("REGISTRY_DOCUMENT_MAX_PIXELS", 60_000_000)
# Inquiries a person may send in a rolling day (stops spam without getting in a real buyer's way).
INQUIRY_DAILY_LIMIT = env_int("INQUIRY_DAILY_LIMIT", 10)

# Rate limits (techmarket/ratelimit.py): per scope, a rate per address ("ip") and per account ("account"), written
# like 20/h, 5/15m or 100/d, each from RATELIMIT_<SCOPE>_<IP|ACCOUNT>. A refusal is a 429 with Retry-After.
# signin counts failed sign-ins only; password_reset's account is the address asked for (taken or not); signup's
# is the address signed up with; inquiry adds an address limit to INQUIRY_DAILY_LIMIT (per person, above).
RATELIMITS = {
    scope: {who: env_rate(f"RATELIMIT_{scope.upper()}_{who.upper()}", rate) for who, rate in rates.items()}
    for scope, rates in {
        "signin": {"ip": "100/h"},
        "signup": {"ip": "20/h", "account": "5/d"},
        "password_reset": {"ip": "20/h", "account": "5/h"},
        "inquiry": {"ip": "60/d"},
        "proposal": {"ip": "60/h", "account": "20/h"},
        "api_write": {"ip": "600/h", "account": "300/h"},
    }.items()
}
# Behind this many proxies of our own, the client's address is the one the outermost of them put in X-Forwarded-For.
CLIENT_IP_PROXY_COUNT = env_int("CLIENT_IP_PROXY_COUNT", 0)
# Sign-in lockout: this many failed sign-ins in a row (within LOGIN_FAILURE_WINDOW_HOURS, none successful) lock the
# account for LOGIN_LOCKOUT_MINUTES; its owner is e-mailed once per lockout; the right password does not open it.
LOGIN_LOCKOUT_FAILURES = env_int("LOGIN_LOCKOUT_FAILURES", 10)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_FAILURE_WINDOW_HOURS = env_int("LOGIN_FAILURE_WINDOW_HOURS", 24)
