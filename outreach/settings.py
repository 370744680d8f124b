"""Settings for every environment, read from the environment through ``outreach.config.Env``.

Production differs from development only by variables (``.env.example`` lists them all). With no
variables set, the app runs on the embedded default: SQLite, Celery tasks in process, Danish UI.
"""

import datetime
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from outreach.config import Env

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

OUTREACH_ENV = env.choice("OUTREACH_ENV", ("development", "production"), "development")
PRODUCTION = OUTREACH_ENV == "production"
DEBUG = env.bool("DEBUG", not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on when OUTREACH_ENV=production.")

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must name at least one host in production.")
else:
    SECRET_KEY = env.str("SECRET_KEY", "development-only-key-never-used-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

# CPR numbers are encrypted with one key and found through a keyed hash made with another (both
# 32 bytes, URL-safe base64). Development derives them from SECRET_KEY; production requires them.
CPR_ENCRYPTION_KEY = env.key32("CPR_ENCRYPTION_KEY", required=PRODUCTION)
CPR_LOOKUP_KEY = env.key32("CPR_LOOKUP_KEY", required=PRODUCTION)

# Demo data and printed demo logins are only ever offered outside production.
DEMO_MODE = env.bool("DEMO_MODE", DEBUG) and not PRODUCTION

INSTALLED_APPS = [
    # The admin site requires a verified second factor (outreach.admin_site).
    "outreach.apps.OutreachAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "outreach",
    "municipalities",
    "regions",
    "vaccinators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files when DEBUG is off; runserver serves them itself in DEBUG.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "outreach.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Ends sessions idle or old beyond their limits (before anything reads the user's roles).
    "outreach.middleware.SessionTimeoutMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "outreach.middleware.MembershipMiddleware",
    # After the roles are known: roles that see citizen data need a verified second factor.
    "outreach.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "outreach.middleware.ContentSecurityPolicyMiddleware",
    # Last, so it sees the outcome of authenticate() in the login view and answers a lockout.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "outreach.urls"
WSGI_APPLICATION = "outreach.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "outreach.context_processors.membership",
                "outreach.context_processors.language_next",
            ],
        },
    },
]

# Uploaded files waiting to be processed (SSI lists are deleted once imported).
MEDIA_ROOT = env.str("MEDIA_ROOT", str(BASE_DIR / "var" / "media"))

# SSI lists: the largest file accepted, and the folder the SFTP drop delivers to.
SSI_MAX_FILE_BYTES = env.int("SSI_MAX_FILE_MB", 200, minimum=1) * 1024 * 1024
SSI_INBOX_DIR = env.str("SSI_INBOX_DIR", str(BASE_DIR / "var" / "ssi-inbox"))

# Casework: how long a claim on a task holds, when an uncontacted task is overdue, and when a
# citizen may be recorded as unreachable (unreached attempts on at least so many different days).
CLAIM_LEASE_MINUTES = env.int("CLAIM_LEASE_MINUTES", 30, minimum=1)
CONTACT_DUE_DAYS = env.int("CONTACT_DUE_DAYS", 7, minimum=1)
UNREACHABLE_AFTER_ATTEMPTS = env.int("UNREACHABLE_AFTER_ATTEMPTS", 3, minimum=1)
UNREACHABLE_MIN_DAYS = env.int("UNREACHABLE_MIN_DAYS", 2, minimum=1)
# The public help form: requests accepted per hour from one address.
HELP_REQUESTS_PER_HOUR = env.int("HELP_REQUESTS_PER_HOUR", 5, minimum=1)

# Databases --------------------------------------------------------------------------------------
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: wait for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: the Celery broker and the shared cache. Without it, tasks run in process ---------------
REDIS_URL = env.url("REDIS_URL", ("redis", "rediss"), None)
# Seconds to wait for Redis (connecting or answering) before a page gives up on it: a page that
# starts a job answers at once and the job waits in the outbox (ADR 0016).
REDIS_TIMEOUT_SECONDS = env.int("REDIS_TIMEOUT_SECONDS", 3, minimum=1)
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails soft: with Redis away a cache read is a miss and a write is skipped, so pages
            # stay up (ADR 0016).
            "BACKEND": "outreach.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task whose worker died is redelivered after the broker's visibility timeout; every task must
# finish well inside it, or a slow but live task would be delivered twice.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=10)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
}
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUT_SECONDS
# A worker whose canary has not run for this long is reported "stale" by /healthz.
WORKER_STALE_SECONDS = env.int("WORKER_STALE_SECONDS", 180, minimum=60)
CELERY_TASK_TIME_LIMIT = CELERY_VISIBILITY_TIMEOUT // 2
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Copenhagen"
# Every periodic job, in one place.
CELERY_BEAT_SCHEDULE = {
    "scan-ssi-inbox": {"task": "municipalities.scan_ssi_inbox", "schedule": 300.0},
    # Jobs that waited in the outbox while the broker was away (ADR 0016).
    "relay-outbox": {"task": "outreach.relay_outbox", "schedule": 60.0},
    # A worker's sign of life for /healthz.
    "canary": {"task": "outreach.canary", "schedule": 60.0},
    # Early, before the coordinators plan the day: citizens whose dose 2 falls due join the pools.
    "move-dose-two-into-pools": {
        "task": "regions.move_dose_two_into_pools",
        "schedule": crontab(hour=5, minute=0),
    },
    # At night, when nobody works: access events and closed cases past their retention go.
    "purge-past-retention": {
        "task": "outreach.purge_past_retention",
        "schedule": crontab(hour=2, minute=30),
    },
}

# Authentication and access -------------------------------------------------------------------
AUTH_USER_MODEL = "outreach.User"
# Axes first: it refuses a locked-out username and address before any password is checked. An
# identity broker's backend (OIDC or SAML) is added from the environment (ADR 0014).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
    *env.list("EXTRA_AUTHENTICATION_BACKENDS", []),
    "guardian.backends.ObjectPermissionBackend",
]
# The view behind /login/ (a dotted path): username, password and then a second factor unless a
# broker's login replaces it.
LOGIN_VIEW = env.str("LOGIN_VIEW", "outreach.login_views.password_login")
GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_GROUP = False
ANONYMOUS_USER_NAME = None  # No anonymous guardian user: anonymous users hold no permissions.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A session ends after SESSION_IDLE_MINUTES without activity and SESSION_ABSOLUTE_HOURS after the
# login, whichever comes first (outreach.sessions, enforced on the server).
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Two factors (django-otp): a TOTP app, with one-time recovery codes as the fallback. The window
# stays anchored to the server's clock (no drift learnt from codes). Keys are never shown in the
# admin.
OTP_TOTP_ISSUER = "Outreach vaccination"
OTP_TOTP_SYNC = False
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
TWO_FACTOR_RECOVERY_CODES = 10

# Lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from one address lock
# that pair out for AXES_COOLOFF_MINUTES; a successful login starts the count again.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "outreach.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "outreach.lockout.client_ip"
AXES_HTTP_RESPONSE_CODE = 429

# Language: Danish first, English selectable ----------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# Static files -------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# API --------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated call is answered 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Outreach vaccination coordinator API",
    "VERSION": "1.0.0",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("status") get names saying whose they are.
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "municipalities.models.tasks.ContactTask.Status",
        "SsiListStatusEnum": "municipalities.models.imports.SsiListImport.Status",
        "RouteListStatusEnum": "vaccinators.models.routes.RouteList.Status",
        "SessionStatusEnum": "regions.models.sessions.PopupSession.Status",
        "BookingStatusEnum": "regions.models.sessions.SessionBooking.Status",
    },
}

# Security in production -----------------------------------------------------------------------
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", True)
_ssl_redirect = env.bool("SECURE_SSL_REDIRECT", True)
_hsts_seconds = env.int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
if PRODUCTION:
    if BEHIND_TLS_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _ssl_redirect
    # Health checks come over plain HTTP from inside the network, not through the TLS proxy.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent on every response (outreach.middleware.ContentSecurityPolicyMiddleware): no inline script
# or style anywhere, no framing, forms post only to this site.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Logging: to standard output, one line per record ------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env.choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO"),
    },
}

# Pop-up sessions: the doses an mRNA session may leave in its last vial and still be confirmed
# (a pop-up uses Comirnaty or Moderna only when enough citizens are gathered), and how long before
# a citizen's time slot the ride picks them up.
POPUP_MAX_WASTED_DOSES = env.int("POPUP_MAX_WASTED_DOSES", 2, minimum=0)
POPUP_PICKUP_MINUTES_BEFORE = env.int("POPUP_PICKUP_MINUTES_BEFORE", 30, minimum=0)

# Dose 2: a citizen joins the region's pool (home visits or pop-up) this many days before the
# earliest day their dose 2 may be given, so it can be planned in time.
DOSE_TWO_LEAD_DAYS = env.int("DOSE_TWO_LEAD_DAYS", 7, minimum=0)

# FHIR export: the base of the identifier systems, extensions and code systems of our own (the
# citizen's internal id, the vaccinator's code, home visit or pop-up). Set it to a URL the
# operator controls; the default's ".invalid" domain says it is a placeholder (ADR 0011).
FHIR_SYSTEM_BASE = env.str("FHIR_SYSTEM_BASE", "https://outreach.invalid/fhir").rstrip("/")

# Route planner: the address and travel-time sources (dotted paths to classes; the defaults work
# offline from postcode points and great-circle distances, ADR 0009), and the doses a pool smaller
# than one vial may waste when a vial is opened for it anyway.
PLANNER_GEOCODER = env.str("PLANNER_GEOCODER", "vaccinators.planner.geo.PostcodeGeocoder")
PLANNER_TRAVEL_TIMES = env.str(
    "PLANNER_TRAVEL_TIMES", "vaccinators.planner.geo.GreatCircleTravelTimes"
)
PLANNER_MAX_WASTED_DOSES = env.int("PLANNER_MAX_WASTED_DOSES", 2, minimum=0)
# The solver's threads for a planning run (2 halves a 60-visit day's solve time on 2 cores).
PLANNER_THREADS = env.int("PLANNER_THREADS", 2, minimum=1)

# Home visits: the minutes a vaccinator spends at a door before the observation starts (talk,
# consent, the injection, registering it); the observation (15 minutes, 30 after an earlier severe
# allergic reaction) is the vaccine product's and is added on top.
HOME_VISIT_VACCINATION_MINUTES = env.int("HOME_VISIT_VACCINATION_MINUTES", 10, minimum=1)

# Retention (ADR 0013): access events are kept this many months, closed cases (a contact task
# with its attempts, visitation, referral and bookings) this many months after they closed; a
# nightly job deletes what is older. Vaccination records are never deleted.
ACCESS_EVENT_RETENTION_MONTHS = env.int("ACCESS_EVENT_RETENTION_MONTHS", 24, minimum=1)
CLOSED_CASE_RETENTION_MONTHS = env.int("CLOSED_CASE_RETENTION_MONTHS", 24, minimum=1)

# The auditor's anomaly report: a user's day is unusual when they looked up more distinct citizens
# than this floor and more than AUDIT_VOLUME_FACTOR times their usual day (the median of their
# working days in the 30 days before); look-ups outside AUDIT_WORKING_HOURS (local time, "07-18"
# means from 07:00 to 18:00, Monday to Friday) are listed too.
AUDIT_VOLUME_FLOOR = env.int("AUDIT_VOLUME_FLOOR", 50, minimum=1)
AUDIT_VOLUME_FACTOR = env.int("AUDIT_VOLUME_FACTOR", 3, minimum=1)
AUDIT_WORKING_HOURS = env.hours("AUDIT_WORKING_HOURS", "07-18")
