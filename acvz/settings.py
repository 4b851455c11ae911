"""Regie settings, read from the environment (see README, "Configuration").

Defaults run the app with no servers at all: a SQLite file in the project folder and Celery
tasks executed eagerly. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from acvz.env import env_bool, env_int, env_list, parse_broker_url, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
TESTING = env_bool("REGIE_TESTING", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "(or DEBUG=1 for local development)."
        )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if (DEBUG or TESTING) else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "partners",
    "cases",
    "plans",
    "meetings",
]

MIDDLEWARE = [
    # Outermost: every API answer, errors included, names its contract's version.
    "acvz.middleware.ApiVersionMiddleware",
    # Then: an API path with the old trailing slash is served as the path without it.
    "acvz.middleware.ApiTrailingSlashMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "acvz.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "partners.middleware.NoStoreMiddleware",
    # After authentication: the 400 and 405 pages show the user's navigation.
    "acvz.middleware.RejectNulBytesMiddleware",
    "acvz.middleware.MethodNotAllowedPageMiddleware",
    "partners.middleware.SecondFactorMiddleware",
    "partners.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: the login page says why the session ended.
    "partners.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "partners.middleware.SubmitOnceMiddleware",
    # The API refuses query parameters an operation does not take (acvz.api.strict).
    "acvz.api.strict.StrictQueryParametersMiddleware",
    # Last: a locked-out login attempt answers with the lockout page (django-axes).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "acvz.urls"
WSGI_APPLICATION = "acvz.wsgi.application"
ASGI_APPLICATION = "acvz.asgi.application"

TEMPLATES = [
    {
        # Django's backend, telling the access log what a logged page rendered (cases.access).
        "BACKEND": "cases.access.AccessLoggedTemplates",
        # Named as Django's own backend is: DRF's browsable pages and error templates ask the
        # engines for "django".
        "NAME": "django",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "partners.context_processors.navigation",
                "meetings.context_processors.notifications",
            ],
            # `{% once %}` in every POST form: a form posted twice makes one object.
            "builtins": ["partners.templatetags.submission"],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'regie.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that stops answering must not hold every request until gunicorn's timeout:
    # connecting gives up after DB_CONNECT_TIMEOUT seconds, a statement after
    # DB_STATEMENT_TIMEOUT_MS, a lock wait after DB_LOCK_TIMEOUT_MS (0 = no limit). Migrations
    # run without the statement timeout (partners.apps). See docs/operations.md.
    _timeouts = {
        "statement_timeout": env_int("DB_STATEMENT_TIMEOUT_MS", 30_000),
        "lock_timeout": env_int("DB_LOCK_TIMEOUT_MS", 10_000),
        "idle_in_transaction_session_timeout": env_int("DB_IDLE_IN_TRANSACTION_TIMEOUT_MS", 60_000),
    }
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5, minimum=2),
            "options": " ".join(f"-c {name}={value}" for name, value in _timeouts.items()),
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses every login of a locked account or source before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "partners.backends.RegieModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lockout (django-axes): after REGIE_LOGIN_FAILURE_LIMIT failed logins (the app's and the
# admin's login page) the account is locked, and so is the source address, each on its own
# count, for REGIE_LOGIN_LOCKOUT_MINUTES; every further attempt meanwhile starts the wait again.
# A success resets the count. The beheerder unlocks an account in the user admin (or a source
# under "Access attempts"). Behind a reverse proxy REGIE_TRUSTED_PROXIES says how many, so
# that the address is the client's (acvz.http.client_ip).
REGIE_TRUSTED_PROXIES = env_int("REGIE_TRUSTED_PROXIES", 0)
AXES_ENABLED = env_bool("REGIE_LOGIN_LOCKOUT", default=True)
AXES_FAILURE_LIMIT = env_int("REGIE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("REGIE_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "acvz.http.client_ip"
AXES_LOCKOUT_CALLABLE = "partners.views.locked_out"
AXES_VERBOSE = False
# Successful logins and logouts are in the access-attempt log too (kept like the access log).
AXES_DISABLE_ACCESS_LOG = False
#: An e-mailed password reset link is valid this long (and once).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600, minimum=300)
# Second factor (partners.second_factor): the roles whose users give a code from an
# authenticator app after their password, "all" (every human user) or "none". Production
# default: all; the demo (DEBUG) and the tests default to none and switch it on where tested.
_HUMAN_ROLES = [
    "regisseur",
    "accounthouder",
    "ivg",
    "programme_team",
    "itat",
    "expertgroep",
    "interventiepleger",
    "beheerder",
    "directeurenoverleg",
    "stuurgroep",
]
_MFA = os.environ.get("REGIE_MFA_ROLES", "none" if (DEBUG or TESTING) else "all").strip()
REGIE_MFA_ROLES: list[str] = (
    []
    if _MFA in ("", "none")
    else _HUMAN_ROLES
    if _MFA == "all"
    else [role.strip() for role in _MFA.split(",") if role.strip()]
)
if set(REGIE_MFA_ROLES) - set(_HUMAN_ROLES):
    raise ImproperlyConfigured(
        f"REGIE_MFA_ROLES: unknown roles {sorted(set(REGIE_MFA_ROLES) - set(_HUMAN_ROLES))}; "
        f"use all, none or some of {', '.join(_HUMAN_ROLES)}."
    )
OTP_TOTP_ISSUER = os.environ.get("REGIE_MFA_ISSUER", "Regie")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# guardian: anonymous users never get object permissions here.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
# English with European dates and a 24-hour clock (acvz/formats/en/formats.py).
FORMAT_MODULE_PATH = ["acvz.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (DEBUG or TESTING)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Celery -----------------------------------------------------------------------------------
# With no REDIS_URL the app runs without a broker: tasks execute eagerly, in-process.
REDIS_URL = parse_broker_url(os.environ.get("REDIS_URL"))
CELERY_BROKER_URL = REDIS_URL or "memory://"

# --- Cache ------------------------------------------------------------------------------------
# Throttles, the bad-token guard, password-reset limits and the navigation's work counts must be
# shared by every worker process: Redis (REDIS_CACHE_URL, default REDIS_URL) in production, its
# keys prefixed. Without Redis (the embedded default) and in tests: this process's memory.
REDIS_CACHE_URL = parse_broker_url(os.environ.get("REDIS_CACHE_URL")) or REDIS_URL
if REDIS_CACHE_URL and not TESTING:
    CACHES = {
        "default": {
            "BACKEND": "acvz.cache.ForgivingRedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "KEY_PREFIX": "regie",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Tasks survive their worker (docs/operations.md): a message is acknowledged only when its task
# finished, and requeued when the process running it died (kill -9, out of memory). Redis hands
# an unacknowledged message to another worker after the visibility timeout, which must outlast
# the longest task (the hard time limit below) plus its wait in the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 1200, minimum=1),
    # How often a worker looks for messages whose worker died (kombu's defaults: about every
    # 10 x 10 s); a message comes back at most visibility timeout + this after the death.
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10, minimum=1),
    "unacked_restore_throttle": env_int("CELERY_UNACKED_RESTORE_THROTTLE", 10, minimum=1),
}
CELERY_BEAT_SCHEDULE = {
    # Once a day at 07:00 Europe/Amsterdam (CELERY_TIMEZONE): UVOs, evaluations, agreements.
    "daily-reminder-scan": {
        "task": "meetings.tasks.daily_scan",
        "schedule": crontab(hour=7, minute=0),
    },
    # The outbox: mails a crash left "sending", or a down broker left unqueued, go out again.
    "email-sweep": {"task": "meetings.tasks.email_sweep", "schedule": crontab(minute="*/5")},
    # Webhooks: events a down broker left unsent, retries that are due, a crash's leftovers.
    "webhooks-sweep": {"task": "meetings.tasks.webhooks_sweep", "schedule": crontab()},
    # One e-mail a day for those who chose a digest, after the scan's reminders are in.
    "email-digests": {
        "task": "meetings.tasks.email_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    # Retention: closed cases past their period are anonymised (cases.retention).
    "anonymise-due": {"task": "cases.tasks.anonymise_due", "schedule": crontab(hour=3, minute=0)},
    # The one-time form tokens of the last day are enough (partners.middleware).
    "forget-submissions": {
        "task": "partners.tasks.forget_submissions",
        "schedule": crontab(hour=3, minute=30),
    },
}
#: The daily scan counts as late (on /healthz and in the admin) when it has not completed by
#: this local time (hour, minute).
REGIE_SCAN_DEADLINE = (8, 0)

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
    "DEFAULT_VERSION": "v1",
    "ALLOWED_VERSIONS": ["v1"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated request then gets 401 with WWW-Authenticate.
        "acvz.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "acvz.api.scopes.KeyHasScope",
    ],
    "DEFAULT_PAGINATION_CLASS": "acvz.api.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "acvz.api.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "acvz.api.filters.StableOrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": ["acvz.api.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "acvz.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "acvz.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # Per user (a person's session or a partner system's token) and per source address for the
    # anonymous: beyond the rate, 429 problem+json with Retry-After. The test suite runs its
    # sweeps far above a person's pace, so there the rates are a setting of the throttle test.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("REGIE_API_RATE_USER", "100000/minute" if TESTING else "600/minute"),
        "anon": os.environ.get("REGIE_API_RATE_ANON", "100000/minute" if TESTING else "30/minute"),
    },
}

#: Unknown API tokens one source address may try per minute before it is made to wait.
REGIE_API_BAD_TOKENS_PER_MINUTE = env_int(
    "REGIE_API_BAD_TOKENS_PER_MINUTE", 100_000 if TESTING else 10, minimum=1
)

SPECTACULAR_SETTINGS = {
    "TITLE": "Regie API",
    "DESCRIPTION": (
        "REST API of Regie for partner systems of the safety-and-care network. "
        "Authenticate with `Authorization: Token <key>` (an API key; each operation names the "
        "scope it needs). Errors are RFC 9457 `application/problem+json` documents. Every "
        "answer carries `API-Version` (this document's version); changes and the deprecation "
        "policy are in docs/api-changelog.md."
    ),
    # Semver of the contract, also in every API answer's `API-Version` header; raised with each
    # change listed in docs/api-changelog.md (minor: added, patch: fixed; major: a new /api/vN).
    "VERSION": "1.4.0",
    # The paths carry /api/v1 themselves: the server is the site's root.
    "SERVERS": [{"url": "/", "description": "This Regie server (paths include /api/v1)."}],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "acvz.api.schema.add_links",
    ],
    # Choice sets used by several fields (or with a field name shared by several sets) get one
    # stable component name each.
    "ENUM_NAME_OVERRIDES": {
        "RegieStyleEnum": "cases.models.RegieStyle",
        "OffenceKindEnum": "cases.models.OffenceKind",
        "RelationKindEnum": "cases.models.RelationKind",
        "TimelineKindEnum": "cases.models.TimelineKind",
        "ContributionPartEnum": "cases.models.ContributionPart",
        "PushableTimelineKindEnum": "cases.api.serializers.PUSHABLE_TIMELINE_KINDS",
        "StatusEnum": "cases.workflow.CaseStatus",
        "PlanStatusEnum": "plans.workflow.PlanStatus",
        "GoalStatusEnum": "plans.workflow.GoalStatus",
        "UvoStatusEnum": "meetings.models.UvoStatus",
        "AgreementStatusEnum": "meetings.models.AgreementStatus",
        "ReminderKindEnum": "meetings.models.ReminderKind",
        "NotificationEventEnum": "meetings.models.NotificationEvent",
        "UvoActionEnum": "meetings.api.serializers.UVO_ACTIONS",
        # The case detail's `transitions` (a dict's values, hence the callable path).
        "TransitionsEnum": "cases.api.serializers.TRANSITION_PATHS.values",
        "PlanTransitionsEnum": "plans.api.serializers.PLAN_TRANSITION_CHOICES",
    },
}

# --- Mail, security, logging -------------------------------------------------------------------
# E-mail, all from the environment (docs/operations.md). Mails leave through the outbox of
# meetings.tasks: each notification's mail once, with a stable Message-ID.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "regie@example.invalid")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
#: The domain of the Message-IDs of Regie's mails.
REGIE_MAIL_DOMAIN = os.environ.get("REGIE_MAIL_DOMAIN") or DEFAULT_FROM_EMAIL.rpartition("@")[2]
#: The City of Amsterdam's design tokens and font, when a deployment fetched them
#: (scripts/fetch-amsterdam-design-system; proprietary, never committed): loaded before Regie's
#: stylesheet, which reads the tokens and falls back to its own values without them.
REGIE_AMSTERDAM_STYLES = [
    f"vendor/amsterdam/{name}"
    for name in ("tokens.css", "font/index.css")
    if (BASE_DIR / "static" / "vendor" / "amsterdam" / name).exists()
]
#: Years after closing that a case's content is kept (cases.retention); a programme may set
#: its own.
REGIE_RETENTION_YEARS = env_int("REGIE_RETENTION_YEARS", 5, minimum=1)
#: Figures over fewer cases or persons than this are shown as "< N" (the programme figures).
REGIE_SMALL_GROUP = env_int("REGIE_SMALL_GROUP", 5, minimum=1)
#: The competence scan's group view (partners.selectors.competence_group_spread) needs at least
#: this many regisseurs with a scan; below it nothing is shown.
REGIE_COMPETENCE_GROUP_MIN = env_int("REGIE_COMPETENCE_GROUP_MIN", 5, minimum=2)
#: In regie for more than this many years: the persistent group of the outcome figures.
REGIE_PERSISTENT_YEARS = env_int("REGIE_PERSISTENT_YEARS", 3, minimum=1)
#: The legal basis (cases.LegalBasis code, kept by the beheerder) recorded with each way
#: personal data leave the system (the disclosure register, cases.disclosure).
REGIE_DISCLOSURE_BASIS = {
    "team": "convenant-casusteam",
    "api": "convenant-partnersysteem",
    "webhook": "convenant-partnersysteem",
    "email": "convenant-melding",
    "export": "convenant-verantwoording",
    "inzage": "avg-art-15",
}
#: The address of this site, for the links in e-mails.
REGIE_SITE_URL = os.environ.get("REGIE_SITE_URL", "http://localhost:8000")
#: An e-mail is tried this many times (with backoff) before it is marked failed.
REGIE_EMAIL_MAX_ATTEMPTS = env_int("REGIE_EMAIL_MAX_ATTEMPTS", 5, minimum=1)
#: A notification's e-mail still "sending" this long after its claim was cut off by a crash:
#: the sweeper sends it again (with the same Message-ID).
REGIE_EMAIL_STALE_SECONDS = env_int("REGIE_EMAIL_STALE_SECONDS", 900)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not (DEBUG or TESTING))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
#: A session ends after this many minutes without a request (partners.middleware
#: .IdleSessionMiddleware), when the browser closes, and at the latest after SESSION_COOKIE_AGE
#: (a working day).
REGIE_SESSION_IDLE_MINUTES = env_int("REGIE_SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600, minimum=300)
# Served over https (secure cookies): plain http is redirected and browsers remember it (HSTS).
# The health check stays reachable over http for the container's probe.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0, minimum=0
)
# Whether every subdomain is https-only, and preloading, are the domain owner's decisions (a
# city's domain): off unless set, and then not a warning of `check --deploy`.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images come from this server
# only, and nothing inline runs (no 'unsafe-inline', no 'unsafe-eval'): an injected <script> or
# style="" is refused by the browser. The API documentation pages send their own policy
# (acvz.views.API_DOCS_CSP). `REGIE_CSP_REPORT_URI` names where browsers report violations.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **(
            {"report-uri": [os.environ["REGIE_CSP_REPORT_URI"]]}
            if os.environ.get("REGIE_CSP_REPORT_URI")
            else {}
        ),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Demo loaders run by `manage.py demo` after the partners' demo data, in this order.
REGIE_DEMO_LOADERS: list[str] = [
    "cases.demo.load",
    "plans.demo.load",
    "meetings.demo.load",
    "plans.demo.load_outflow",
    "plans.demo.load_itat_agenda",
]

# The weekday of the weekly ITAT meeting (0 = Monday).
REGIE_ITAT_WEEKDAY = int(os.environ.get("REGIE_ITAT_WEEKDAY", "3"))
# Need-to-know: how long ITAT keeps reading a case after its decision on the plan (weeks).
REGIE_ITAT_READ_WEEKS = env_int("REGIE_ITAT_READ_WEEKS", 4)

# UVO cadence (docs/domain.md: every 8 weeks) and the reminders' margins.
# API keys (partners.ApiKey): at most this many days valid when issued; after a rotation the
# old key keeps working this many days, so the partner system can switch over.
#: The API's paths with a trailing slash (the form of 1.2 and before) answer with a
#: `Deprecation` header from this day and a `Sunset` header naming the day they stop working:
#: twelve months, as docs/api-changelog.md promises.
REGIE_API_SLASHED_PATHS_DEPRECATED = date(2026, 12, 7)
REGIE_API_SLASHED_PATHS_SUNSET = date(2027, 12, 7)

REGIE_API_KEY_MAX_DAYS = env_int("REGIE_API_KEY_MAX_DAYS", 730, minimum=1)
REGIE_API_KEY_OVERLAP_DAYS = env_int("REGIE_API_KEY_OVERLAP_DAYS", 7, minimum=0)
#: Webhooks (meetings.webhooks): an attempt waits this long for the receiver's answer.
REGIE_WEBHOOK_TIMEOUT_SECONDS = env_int("REGIE_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
#: A delivery still "sending" this long after its claim was cut off by a crash is sent again
#: (with the same webhook-id, so the receiver can tell).
REGIE_WEBHOOK_STALE_SECONDS = env_int("REGIE_WEBHOOK_STALE_SECONDS", 120, minimum=1)
#: A subscription is disabled after this many failed attempts in a row (the beheerder is told).
REGIE_WEBHOOK_DISABLE_AFTER = env_int("REGIE_WEBHOOK_DISABLE_AFTER", 15, minimum=1)
#: After a renewal the old secret keeps signing alongside the new one this many hours, so the
#: partner system can deploy the new one without a failed delivery (0: it stops at once).
REGIE_WEBHOOK_SECRET_OVERLAP_HOURS = env_int("REGIE_WEBHOOK_SECRET_OVERLAP_HOURS", 24, minimum=0)
#: Events, deliveries and their log are kept this many days.
REGIE_WEBHOOK_KEEP_DAYS = env_int("REGIE_WEBHOOK_KEEP_DAYS", 30, minimum=1)
#: Endpoints must use https; plain http only when allowed (a receiver on this machine in
#: development and tests).
REGIE_WEBHOOK_ALLOW_HTTP = env_bool("REGIE_WEBHOOK_ALLOW_HTTP", default=DEBUG or TESTING)

REGIE_UVO_CADENCE_WEEKS = int(os.environ.get("REGIE_UVO_CADENCE_WEEKS", "8"))
REGIE_UVO_GRACE_DAYS = int(os.environ.get("REGIE_UVO_GRACE_DAYS", "7"))
REGIE_EVALUATION_NOTICE_DAYS = int(os.environ.get("REGIE_EVALUATION_NOTICE_DAYS", "14"))
REGIE_PLAN_SUBMIT_DAYS = int(os.environ.get("REGIE_PLAN_SUBMIT_DAYS", "42"))
# When a case's UVO clock starts where its programme set no agreement of its own: at the start
# of regie ("regie_started") or at the approval of the first plan ("plan_approved").
REGIE_UVO_CLOCK_START = os.environ.get("REGIE_UVO_CLOCK_START", "regie_started")
if REGIE_UVO_CLOCK_START not in ("regie_started", "plan_approved"):
    raise ImproperlyConfigured("REGIE_UVO_CLOCK_START is regie_started or plan_approved.")

# The escalation ladder (report §4): the days each level has to answer, decide or escalate
# before the regisseur may take the question up a level. A local agreement.
REGIE_ESCALATION_DAYS: dict[str, int] = {
    "accounthouder": env_int("REGIE_ESCALATION_DAYS_ACCOUNTHOUDER", 5, minimum=1),
    "programme_team": env_int("REGIE_ESCALATION_DAYS_PROGRAMME_TEAM", 10, minimum=1),
    "directors": env_int("REGIE_ESCALATION_DAYS_DIRECTORS", 21, minimum=1),
    "stuurgroep": env_int("REGIE_ESCALATION_DAYS_STUURGROEP", 42, minimum=1),
}

# The flexible budget (report: €1000 per person): per case and programme year (a calendar year),
# and the days the accounthouder has to decide a request before being reminded. Local agreements.
REGIE_BUDGET_PER_YEAR_EUR = env_int("REGIE_BUDGET_PER_YEAR_EUR", 1000, minimum=0)
REGIE_BUDGET_DECISION_DAYS = env_int("REGIE_BUDGET_DECISION_DAYS", 5, minimum=1)

# The casuistry meeting of accounthouders with their regisseurs: every so many weeks from a
# first date, where a programme set no rhythm of its own (a local agreement).
REGIE_CASUISTRY_WEEKS = env_int("REGIE_CASUISTRY_WEEKS", 3, minimum=1)
REGIE_CASUISTRY_ANCHOR = os.environ.get("REGIE_CASUISTRY_ANCHOR", "2026-01-06")
