"""Settings for BerAKHLAK Monitor, read from the environment.

Unset DATABASE_URL -> SQLite file; unset REDIS_URL -> Celery runs tasks eagerly and the cache is
local memory. Production sets both (see docker-compose.yml and README.md).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from berakhlak.env import env_bool, env_int, env_list, env_str, site_url_default
from berakhlak.keyring import KeyringError, keys_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

# Keys that seal survey answers and drafts at rest (berakhlak/keyring.py); never in the database.
try:
    SURVEY_KEYS = keys_from_environment(debug=DEBUG, base_dir=BASE_DIR)
except KeyringError as error:
    raise ImproperlyConfigured(str(error)) from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Links in e-mails and the address `make run` prints: set it in production; unset, it is where
# `make run` serves (the Makefile exports HOST and PORT to the server it starts).
SITE_URL = env_str("SITE_URL") or site_url_default(env_str("HOST"), env_str("PORT"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "auditlog",
    "csp",
    "berakhlak",
    "evaluations",
    "surveys",
    "reports",
    "forums",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "berakhlak.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "berakhlak.job_middleware.JobSendsMiddleware",
    "berakhlak.middleware.SessionLimitMiddleware",
    "berakhlak.middleware.SecondFactorRequiredMiddleware",
    "berakhlak.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "berakhlak.urls"
WSGI_APPLICATION = "berakhlak.wsgi.application"

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
                "django.template.context_processors.i18n",
                "berakhlak.context_processors.site",
                "forums.context_processors.forum_notices",
            ],
            "builtins": ["berakhlak.templatetags.a11y"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "var" / "db.sqlite3",
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery, cache ---------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 5
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fault tolerance (docs/ARCHITECTURE.md §3.1). A message is acknowledged when its task ends, so
# a killed worker's message is delivered again after the visibility timeout: it must outlast the
# longest task (the release, 2 hours), or a long task would be delivered twice while it runs. The
# sweeper (berakhlak.jobs) restarts a killed worker's work long before that, from its heartbeat.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 60 * 60 + 10 * 60,
    "socket_connect_timeout": 0.8,
}
# A request that enqueues work must answer within 2 s when Redis is down: connect quickly, retry
# once, and leave the row to the sweeper (berakhlak.jobs.job_send).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
}
CELERY_TIMEZONE = "UTC"
CELERY_IMPORTS = [
    "berakhlak.tasks",
    "berakhlak.roster.tasks",
    "evaluations.tasks",
    "evaluations.plans.tasks",
    "forums.tasks",
    "surveys.tasks",
    "reports.tasks",
]
CELERY_BEAT_SCHEDULE = {
    # One sweeper for every kind of background work: restarts the work of dead workers, sends
    # what the broker did not take (berakhlak.jobs).
    "jobs-sweep": {"task": "berakhlak.jobs_sweep", "schedule": 60},
    # Reminder e-mails at 08:00 WITA (00:00 UTC); the service keeps the gap and the maximum.
    "survey-reminders": {
        "task": "surveys.reminders_send_due",
        "schedule": crontab(hour=0, minute=0),
    },
    # Provisional figures of open rounds (only when answers changed), final ones once closed.
    "reports-compute-due": {"task": "reports.index_compute_due", "schedule": 5 * 60},
    "reports-files-expire": {"task": "reports.report_files_expire", "schedule": 60 * 60},
    # Action plans: due within a week, and late; once per action and due date. 08:00 WITA.
    "action-reminders": {
        "task": "evaluations.action_reminders",
        "schedule": crontab(hour=0, minute=5),
    },
    # The LKE of open rounds whose evidence window has begun: worksheet frozen, rows created.
    "lke-open-due": {"task": "evaluations.lke_open_due", "schedule": 5 * 60},
    # The cell sums against a scan of each round's responses (surveys.sums), at 02:00 WITA.
    "response-sums-check": {
        "task": "surveys.response_sums_check",
        "schedule": crontab(hour=18, minute=0),
    },
    # Evidence files left on disk by rolled-back uploads, at 03:00 WITA.
    "evidence-orphans": {
        "task": "evaluations.evidence_orphans_quarantine",
        "schedule": crontab(hour=19, minute=0),
    },
}

if REDIS_URL:
    CACHES = {
        "default": {
            # Redis down: a read is a miss, a write skipped, fast (berakhlak/cache.py; /health/
            # names the broken part).
            "BACKEND": "berakhlak.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "berakhlak.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle timeout: the cookie lives 30 minutes and every request renews it. The absolute limit is
# enforced by berakhlak.middleware.SessionLimitMiddleware.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# django-axes: lock the (username, client IP) pair, not the IP alone, and let the lock expire;
# the defaults would lock a whole office behind one proxy address for good.
# Forum members may edit or delete their own posts this long after writing them.
FORUM_EDIT_MINUTES = env_int("FORUM_EDIT_MINUTES", 30, minimum=0)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "berakhlak.views.accounts.locked_out"
AXES_VERBOSE = False
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Second factor (django-otp): TOTP apps and recovery codes, required for admins, evaluators,
# leaders, staff and superusers (berakhlak.permissions.requires_second_factor). The code step is
# locked like the password step (berakhlak/views/second_factor.py), and each device doubles its
# own delay after every wrong code (django-otp's throttling, across all addresses).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "BerAKHLAK Monitor")

# Audit trail (django-auditlog): the audited models are registered in one place, berakhlak/audit.py
# (docs/ARCHITECTURE.md §10). Survey models are never registered: a log line must not tie a person
# to an answer.

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTTPS only in production; DEBUG=1 (local, plain http) turns these off. Behind a TLS-terminating
# proxy set TRUSTED_PROXY_COUNT so X-Forwarded-Proto is believed (else the redirect loops).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Container and load-balancer probes speak plain http to the app itself.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_PRELOAD:
    # Preloading binds the whole registrable domain (e.g. the province's .go.id) for years; that is
    # the domain owner's decision, not this application's default.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- i18n, time --------------------------------------------------------------------------------
# Source strings are written in Bahasa Indonesia (the product's first language); English is the
# translation in locale/en.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Makassar")

# --- Files --------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Private files (imports, evidence): never served by URL, only through views that check scope.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# A prefix no URL pattern serves (Django needs a string; private files go through views only).
MEDIA_URL = "/__private-media-not-served__/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ROSTER_IMPORT_MAX_BYTES = env_int("ROSTER_IMPORT_MAX_MB", 30, minimum=1) * 1024 * 1024
# LKE evidence files: size per file, and the unpacked size an office file may reach.
EVIDENCE_MAX_MB = env_int("EVIDENCE_MAX_MB", 20, minimum=1)
EVIDENCE_MAX_UNPACKED_MB = env_int("EVIDENCE_MAX_UNPACKED_MB", 200, minimum=1)
# Final LKE scores feed the composite index (reports).
REPORTS_INSTITUTIONAL_INDEX_PROVIDER = "evaluations.scoring.institutional_indices"

# --- E-mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds a mail server may keep a worker waiting; well inside the mail tasks' limits.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "BerAKHLAK Monitor <noreply@localhost>")

# --- The deployment's identity -----------------------------------------------------------------
PROVINCE_NAME = env_str("PROVINCE_NAME", "Provinsi Kalimantan Selatan")
# A fresh installation's top unit: with a code set, `migrate` creates the province (this code,
# PROVINCE_NAME) when no top unit exists yet; unset, the first roster import brings it.
PROVINCE_CODE = env_str("PROVINCE_CODE", "")
# Where people report an accessibility problem (the page "Aksesibilitas", linked from the footer).
ACCESSIBILITY_CONTACT = env_str("ACCESSIBILITY_CONTACT", "biro.organisasi@localhost")
# Reports (PDF): letterhead, logo (a file under static/), place and signatory of the cover letter.
REPORT_GOVERNMENT = env_str("REPORT_GOVERNMENT", "Pemerintah Provinsi Kalimantan Selatan")
REPORT_UNIT = env_str("REPORT_UNIT", "Biro Organisasi Sekretariat Daerah")
REPORT_ADDRESS = env_str("REPORT_ADDRESS", "Jl. Aneka Tambang, Banjarbaru, Kalimantan Selatan")
REPORT_LOGO = env_str("REPORT_LOGO", "img/logo.svg")
REPORT_CITY = env_str("REPORT_CITY", "Banjarbaru")
REPORT_SIGNATORY_TITLE = env_str("REPORT_SIGNATORY_TITLE", "Sekretaris Daerah")
REPORT_SIGNATORY_NAME = env_str("REPORT_SIGNATORY_NAME", "")
REPORT_SIGNATORY_NIP = env_str("REPORT_SIGNATORY_NIP", "")
# Generated report files are kept this long, then deleted by the beat task.
REPORT_FILE_HOURS = env_int("REPORT_FILE_HOURS", 24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO; its warnings still show.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
