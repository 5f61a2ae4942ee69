"""Settings, read from the environment (django-environ).

Every setting has a default that runs on a laptop with nothing installed: SQLite under
``var/``, Celery tasks run eagerly, mail printed to the console and kept in the outbox.
Production changes them through environment variables (see README.md).
"""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.core.exceptions import ImproperlyConfigured

from mlsys_conf.database import database_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
# No secret means a local run: debug on. A deployment sets SECRET_KEY, and DEBUG is then off
# unless asked for; DEBUG=false without a secret refuses to start.
DEBUG = env.bool("DEBUG", default=not SECRET_KEY)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=true for a local run."
        )
    SECRET_KEY = "django-insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_NAME = env.str("SITE_NAME", default="MLSys")  # how mail (allauth's too) names the site

# Our apps: data first, then the ones that build on them (backups export the rows of these).
PROJECT_APPS = [
    "accounts",
    "outbox",
    "conferences",
    "actionlog",
    "committees",
    "submissions",
    "bidding",
    "assignments",
    "reviews",
    "decisions",
    "artifacts",
    "camera_ready",
    "program",
    "proceedings",
    "site_pages",  # dashboards, phase mail and the demo: the top, above every app
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "allauth",
    "allauth.account",
    *PROJECT_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # see "Content-Security-Policy" below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "conferences.middleware.AccessMiddleware",  # one Access per user and edition per request
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "mlsys_conf.urls"
WSGI_APPLICATION = "mlsys_conf.wsgi.application"
ASGI_APPLICATION = "mlsys_conf.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "conferences.context_processors.edition",
            ],
            "builtins": ["mlsys_conf.templatetags.policy_tags"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# SQLite (the default) gets WAL, a busy timeout and immediate transactions: mlsys_conf/database.py.
DATABASES = {
    "default": database_from_url(
        env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mlsys_conf.sqlite3'}"),
        conn_max_age=env.int("CONN_MAX_AGE", default=0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache. Unset: tasks run eagerly, cache is local memory. -----
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
# Eager tasks (local runs) must not turn a failed mail into a failed request; tests propagate.
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=False)
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request must not wait long on a broker that is down: a publish tries to connect for at most a
# second, twice, then gives up (mlsys_conf.queueing.Task logs it; mail stays queued in the outbox
# for the retry job, and tasks that write mail rows run in the request instead). A Redis that
# accepts connections and never answers costs at most socket_timeout (bench/broker_down.py).
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}  # also a Redis that hangs
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2, "interval_max": 0.2}
# The queue tasks go to when nothing routes them (one per deployment sharing a Redis, or per test).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# The artifact link check (artifacts/link_check.py): off, no artifact link is ever fetched. It
# connects only to public addresses on these ports; ALLOW_PRIVATE is for tests on 127.0.0.1.
ARTIFACT_LINK_CHECK = env.bool("ARTIFACT_LINK_CHECK", default=True)
ARTIFACT_LINK_CHECK_ALLOW_PRIVATE = env.bool("ARTIFACT_LINK_CHECK_ALLOW_PRIVATE", default=False)
ARTIFACT_LINK_CHECK_PORTS = tuple(env.list("ARTIFACT_LINK_CHECK_PORTS", cast=int, default=[80, 443]))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "mlsys_conf.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Files: local disk by default, any Django storage (e.g. S3 via django-storages) by env --
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served publicly: files go through permission-checked views
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": env.str(
            "DEFAULT_FILE_STORAGE_BACKEND",
            default="django.core.files.storage.FileSystemStorage",
        ),
        "OPTIONS": env.json("DEFAULT_FILE_STORAGE_OPTIONS", default={}),
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# An upload up to this size stays in memory instead of a temporary file written and read back
# (a paper of a few MB: the common case at the deadline); larger ones (archives) go to disk.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
# Each PDF/ZIP check runs in a child process with this much time and memory (on top of what
# the worker already maps); past either, the upload is rejected with a message.
UPLOAD_CHECK_TIMEOUT_SECONDS = env.int("UPLOAD_CHECK_TIMEOUT_SECONDS", default=20)
UPLOAD_CHECK_MEMORY_MB = env.int("UPLOAD_CHECK_MEMORY_MB", default=512)
# The PDF and ZIP checks' children are forked from a small fork server (pypdf, no Django) rather
# than from the worker: a few ms instead of tens per upload (submissions/sandbox.py).
UPLOAD_CHECK_FORKSERVER = env.bool("UPLOAD_CHECK_FORKSERVER", default=True)

# --- Mail: every message is first a row in the outbox, then sent through this backend -----
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))  # for the file backend
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MLSys Conference <noreply@mlsys-conf.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An SMTP exchange gives up after this many seconds: a worker still sending can never hold a
# claim as long as outbox.sending.STALE_CLAIM, after which the claim is retried.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=60)
# A claim older than this is a dead worker's: the retry job queues its mail again (see
# outbox.sending). Keep it far above EMAIL_TIMEOUT; tests with fast fake backends lower both.
MAIL_STALE_CLAIM_SECONDS = env.int("MAIL_STALE_CLAIM_SECONDS", default=15 * 60)
# Queued mail older than this whose task is lost (a broker that was down, a killed worker) is
# handed to a worker again by the retry job.
MAIL_RETRY_AFTER_SECONDS = env.int("MAIL_RETRY_AFTER_SECONDS", default=2 * 60)
# At most this many mails are sent in any 60 seconds, site-wide (0: no limit); past it a send
# task waits (a new task with a countdown) until the oldest sends of the minute have aged out.
MAIL_RATE_PER_MINUTE = env.int("MAIL_RATE_PER_MINUTE", default=120)
# "You are listed as an author" mail: how many distinct new addresses one account may have
# mailed per hour and per day (counted in the database); past that, the paper is saved unmailed.
COAUTHOR_MAIL_PER_HOUR = env.int("COAUTHOR_MAIL_PER_HOUR", default=20)
COAUTHOR_MAIL_PER_DAY = env.int("COAUTHOR_MAIL_PER_DAY", default=50)

# --- Accounts (django-allauth): e-mail is the login, and it must be verified -------------
AUTH_USER_MODEL = "accounts.User"
# One backend, allauth's, that refuses accounts whose address is unverified (accounts/backends.py).
AUTHENTICATION_BACKENDS = ["accounts.backends.VerifiedEmailBackend"]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "outbox.allauth_adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MLSys] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# Failed sign-ins per client IP and window: allauth's login form and API tokens share the numbers.
FAILED_LOGINS_PER_IP = 10
FAILED_LOGIN_WINDOW = 60  # seconds
ACCOUNT_RATE_LIMITS = {"login_failed": f"{FAILED_LOGINS_PER_IP}/{FAILED_LOGIN_WINDOW}s/ip,5/300s/key"}
# Behind a reverse proxy, how many proxies append to X-Forwarded-For: the client's address (what
# the limits count by) is then read from it. 0 (the default) trusts only the socket's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- REST API ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",  # first: anonymous calls get a 403
        "accounts.authentication.ApiTokenAuthentication",  # no Basic: no password on the API
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "mlsys_conf.api.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "mlsys_conf.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "mlsys-conf API",
    "DESCRIPTION": "REST API of the conference system: editions, deadlines, accounts, roles and more.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The errors every operation can answer with (401, 403, 404, 429, 400), added in one place.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "mlsys_conf.schema.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "TopicEnum": "conferences.models.Topic.choices",
        "AreaEnum": "conferences.models.Area.choices",
        "RoleKindEnum": "conferences.roles.RoleKind.choices",
        "InvitationStatusEnum": "committees.models.InvitationStatus.choices",
        "FileKindEnum": "submissions.models.FileKind.choices",
        "ConflictReasonEnum": "submissions.models.ConflictReason.choices",
        "DeclarableConflictReasonEnum": "submissions.forms.DECLARABLE_REASONS",  # what people may post
        "PhaseEnum": "conferences.models.Phase.choices",
        "ExtendablePhaseEnum": "submissions.forms.EXTENDABLE_PHASES",  # input phases only
        "ReleaseKindEnum": "conferences.models.ReleaseKind.choices",
        "ZoneOfTimeEnum": "conferences.forms.TIME_ZONE_OF_ENTRY",  # a deadline's time: edition's zone or AoE
        "MailStatusEnum": "outbox.models.MailStatus.choices",
        "MailBatchStatusEnum": "outbox.models.BatchStatus.choices",
        "AssignmentKindEnum": "assignments.models.AssignmentKind.choices",
        "ReviewFieldTypeEnum": "reviews.models.FieldType.choices",  # a review form field's type
        "ReviewFieldAudienceEnum": "reviews.models.FieldAudience.choices",  # who reads a review form field
        "CommentAudienceEnum": "reviews.models.CommentAudience.choices",  # who reads a discussion comment
        "NotifyModeEnum": "reviews.models.NotifyMode.choices",  # how a person hears of new comments
        "ExternalRequestStatusEnum": "reviews.models.ExternalStatus.choices",  # a request for an external reviewer
        "ArtifactEvaluationStatusEnum": "artifacts.models.EvaluationStatus.choices",  # an artifact evaluation's
        "ArtifactLinkStatusEnum": "artifacts.models.LinkStatus.choices",  # what the artifact link check found
        "ProceedingsBuildKindEnum": "proceedings.models.BuildKind.choices",  # what a proceedings build makes
        "ProceedingsBuildStatusEnum": "proceedings.models.BuildStatus.choices",  # where a proceedings build stands
        "ProgramSessionKindEnum": "program.models.SessionKind.choices",  # talks, posters, keynote, break
    },
}

# --- Internationalisation: times are stored in UTC and shown in each edition's zone -------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security (what `check --deploy` asks for when DEBUG is off) ----------------------------
# Production defaults when DEBUG is off, each one changeable by the environment; a local run
# (DEBUG on, plain http://127.0.0.1) gets none of them. mlsys_conf/checks.py adds deploy checks.
# Behind a TLS proxy (the deployment's shape), the proxy says whether the client came over HTTPS
# in X-Forwarded-Proto; an app reached directly must not believe that header (BEHIND_TLS_PROXY=false).
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container's health check (and a load balancer's) asks over plain HTTP on the inside.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp) on every response --------------------------------
# Scripts and styles only from our own origin: no inline <script>, no style="" attributes, no
# inline event handlers, no eval. A third-party page that needs an inline block (the API docs)
# marks it with the request's nonce, ``{{ request.csp_nonce }}``; django-csp adds that nonce to
# the header only on responses that used it, so every other page gets 'self' alone. The one
# exception, Redoc's page, also allows inline styles (REDOC_CSP in mlsys_conf/urls.py). Stored
# files get a stricter policy of their own (submissions' file responses).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, CSP_NONCE],
        "img-src": [CSP_SELF, "data:"],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_NONE],
        "frame-ancestors": [CSP_NONE],
        "form-action": [CSP_SELF],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "pypdf")},
}
