"""Settings for the acupressure site, read from the environment.

Every variable is documented in `.env.example`. A `.env` file in the project folder is read when
present (`make run` writes one with a fresh SECRET_KEY). Defaults suit a laptop: SQLite in the
project folder, DEBUG off unless asked for, local hosts only. `DJANGO_ENV=production` turns the
defaults into hard requirements.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Variables already in the environment win over the file. ENV_FILE points elsewhere (tests use it
# to ignore a developer's .env).
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when DJANGO_ENV=production.")

# A fixed, clearly labelled key keeps local sessions stable; production refuses to start without
# a real one. `make run` writes a random key into `.env` on first run.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DJANGO_ENV=production.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "points",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Answers a 404 with a permanent redirect when a page's slug changed (see KeepsOldURLs).
    "points.middleware.PageRedirectMiddleware",
]

ROOT_URLCONF = "acupressure.urls"
WSGI_APPLICATION = "acupressure.wsgi.application"

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
                "points.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise
# (e.g. postgres://user:password@127.0.0.1:5432/acupressure).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers write to one file: WAL lets readers and a writer work at once,
    # IMMEDIATE takes the write lock at BEGIN (no deadlocked upgrades), and the timeout makes a
    # writer wait for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# Static files: whitenoise serves them compressed, under hashed names, with far-future caching.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploads (editors' pictures). whitenoise does not serve them; `points.views.media` does when
# SERVE_MEDIA is on (single-machine set-ups). A proxy or object store can take over in production.
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Pictures larger than these are refused with a form error (see points.validators).
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

# Email. The console mailer prints messages to the server's output; set a real one with
# MAILER_URL (smtp+tls://user:password@smtp.example.com:587) in production.
MAILER_URL = env.str("MAILER_URL", default="")
if MAILER_URL:
    _smtp = env.email_url("MAILER_URL")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp["EMAIL_HOST"],
                "port": _smtp["EMAIL_PORT"],
                "username": _smtp["EMAIL_HOST_USER"],
                "password": _smtp["EMAIL_HOST_PASSWORD"],
                "use_tls": _smtp.get("EMAIL_USE_TLS", False),
                "use_ssl": _smtp.get("EMAIL_USE_SSL", False),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Shown in page titles, the header and the footer.
SITE_NAME = env.str("SITE_NAME", default="Acupressure for Back Pain")
# Base of absolute canonical URLs (https://example.org); when empty, the request's host is used.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Comments. A client may post COMMENT_RATE_LIMIT_COUNT comments per COMMENT_RATE_LIMIT_SECONDS;
# a form sent back faster than COMMENT_MIN_SECONDS after the page was made is a bot's.
COMMENT_RATE_LIMIT_COUNT = env.int("COMMENT_RATE_LIMIT_COUNT", default=5)
COMMENT_RATE_LIMIT_SECONDS = env.int("COMMENT_RATE_LIMIT_SECONDS", default=600)
COMMENT_MIN_SECONDS = env.int("COMMENT_MIN_SECONDS", default=3)
COMMENT_FORM_MAX_AGE = env.int("COMMENT_FORM_MAX_AGE", default=2 * 24 * 3600)
COMMENT_MAX_LINKS = env.int("COMMENT_MAX_LINKS", default=2)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=20)
# At most one "comments are waiting" email to editors per this many seconds.
COMMENT_NOTIFY_INTERVAL = env.int("COMMENT_NOTIFY_INTERVAL", default=900)
# How many proxies in front of the site append to X-Forwarded-For (0: use the socket address).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
