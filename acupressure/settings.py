"""Settings for the acupressure site, read from the environment.

Every variable is documented in `.env.example`. A `.env` file in the project folder is read when
present (`make run` writes one with a fresh SECRET_KEY). Defaults suit a laptop: SQLite in the
project folder, DEBUG off unless asked for, local hosts only. `DJANGO_ENV=production` turns the
defaults into hard requirements.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

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
    # Django's admin, with the trash's page added to its site (points/admin_site.py).
    "points.admin_site.EditorsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    # Revisions of what editors change, and the trash (points/revisions.py, points/trash.py).
    "reversion",
    "points",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "points.middleware.ExtraSecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached public pages are answered here, before sessions, auth and the view; pages are
    # kept as GZipMiddleware, next, compressed them (with the ETag made below).
    "points.page_cache.PageCacheMiddleware",
    # After whitenoise, which compresses static files itself (and answers Range requests, which
    # gzip would break).
    "points.middleware.GZipTextMiddleware",
    # ETags and 304s, of the page before it is gzipped (gzip pads each response randomly), as
    # Django's documentation orders them.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Answers a 404 with a permanent redirect when a page's slug changed (see KeepsOldURLs).
    "points.middleware.PageRedirectMiddleware",
    # Locks out repeated failed admin logins (after the authentication middleware).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "acupressure.urls"
WSGI_APPLICATION = "acupressure.wsgi.application"

# The public pages are Jinja2 templates in templates/ (points/templating.py says why); the
# admin and its overrides in points/templates/ are Django templates.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "environment": "points.templating.environment",
            "context_processors": [
                "django.template.context_processors.request",
                "points.context_processors.site",
            ],
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Before the apps' own folders, so that points/templates/admin/ overrides the admin's.
        "DIRS": [BASE_DIR / "points" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
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
# Each gunicorn worker keeps its connection (measured: opening one for every request cost about
# 3 ms of a point page's 13); a connection that broke is noticed and replaced.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = False  # English only: no translation lookups for every label and date
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
# Larger deployments keep uploads in an S3-compatible object store (django-storages):
# MEDIA_STORAGE=s3 with MEDIA_BUCKET, and optionally MEDIA_ENDPOINT_URL, MEDIA_CUSTOM_DOMAIN
# (then also MEDIA_ORIGIN for the CSP) and the usual AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY.
if env.str("MEDIA_STORAGE", default="filesystem") == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("MEDIA_BUCKET"),
            "endpoint_url": env.str("MEDIA_ENDPOINT_URL", default=None),
            "custom_domain": env.str("MEDIA_CUSTOM_DOMAIN", default=None),
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            # Names are random and never reused, so pictures may be cached for a year.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    SERVE_MEDIA = False

# Pictures larger than these are refused with a form error (see points.validators).
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

# Email. The console mailer prints messages to the server's output; set a real one with
# MAILER_URL (smtp+tls://user:password@smtp.example.com:587), which production requires.
MAILER_URL = env.str("MAILER_URL", default="")
if PRODUCTION and not MAILER_URL:
    raise ImproperlyConfigured("MAILER_URL must be set when DJANGO_ENV=production.")
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
# Base of absolute URLs (https://example.org): canonical links, where the request's host is used
# when it is empty, and the links in emails, which production sends and so requires it for.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "SITE_URL must be set to the site's https:// address when DJANGO_ENV=production "
        "(emails link to it)."
    )

# Security headers and cookies. Behind a proxy that terminates HTTPS, production trusts its
# X-Forwarded-Proto header (the proxy must set it and strip any sent by clients).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Editors stay signed in for hours, not weeks.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
# A load balancer's health check often speaks plain HTTP: /healthz answers it, not a redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=PRODUCTION)
# Behind a proxy, PROXY_COUNT (below) must say how many: `check --deploy` warns when it is 0
# (points/checks.py).
BEHIND_HTTPS_PROXY = env.bool("BEHIND_HTTPS_PROXY", default=PRODUCTION)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy, enforced everywhere (so tests see what production sends). Public pages
# need no inline code at all; the admin's inline scripts and styles carry the nonce.
MEDIA_ORIGIN = env.str("MEDIA_ORIGIN", default="")  # e.g. https://media.example.org
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# The admin lives at ADMIN_URL (change it to keep bots off the login page).
ADMIN_URL = env.str("ADMIN_URL", default="admin/").strip("/") + "/"

# Admin login throttling (django-axes, counted in the database so it holds across workers):
# AXES_FAILURE_LIMIT failures for one username from one address, or AXES_ADDRESS_FAILURE_LIMIT
# from one address for any usernames, lock that out with a 429 for AXES_COOLOFF_HOURS; never the
# username everywhere, which anyone could do to the editor (points/login_throttle.py). The
# address comes from points.client.client_address, which trusts X-Forwarded-For only as far as
# PROXY_COUNT says.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "points.login_throttle.UsernameAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "points.client.client_network"
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Cache: shared by all gunicorn workers. By default a folder on this machine; set CACHE_URL to
# redis://host:6379/0 to share it across machines (Django's built-in Redis backend).
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(BASE_DIR / ".cache")),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
# Whole public pages are cached for readers without cookies (points/page_cache.py) for at most
# PAGE_CACHE_SECONDS; editors' saves invalidate them at once.
PAGE_CACHE_ENABLED = env.bool("PAGE_CACHE_ENABLED", default=True)
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)
# Pages cached by another release are never served (points.page_cache.release): a deploy may
# name its release (e.g. the commit); by default the templates, code and static files decide.
RELEASE = env.str("RELEASE", default="")
# How long shared caches (a CDN, a proxy) may keep a public page.
PUBLIC_CACHE_SECONDS = env.int("PUBLIC_CACHE_SECONDS", default=60)

# Logs go to stdout: one JSON object a line in production (LOG_FORMAT=json), plain text otherwise.
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
        "json": {"()": "points.log_format.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Comments. A client (an IPv4 address, an IPv6 /64) may post COMMENT_RATE_LIMIT_COUNT comments
# per COMMENT_RATE_LIMIT_SECONDS; a form sent back faster than COMMENT_MIN_SECONDS after the page
# was made is a bot's.
COMMENT_RATE_LIMIT_COUNT = env.int("COMMENT_RATE_LIMIT_COUNT", default=5)
COMMENT_RATE_LIMIT_SECONDS = env.int("COMMENT_RATE_LIMIT_SECONDS", default=600)
COMMENT_MIN_SECONDS = env.int("COMMENT_MIN_SECONDS", default=3)
# A form's token lasts as long as a cached page may carry it plus time to read and write; an
# older one is sent back to be sent again.
COMMENT_READING_SECONDS = env.int("COMMENT_READING_SECONDS", default=3600)
COMMENT_FORM_MAX_AGE = env.int(
    "COMMENT_FORM_MAX_AGE", default=PAGE_CACHE_SECONDS + COMMENT_READING_SECONDS
)
# Every reader of one cached copy of a page shares its token, so a token may be sent a few
# times; after COMMENT_TOKEN_MAX_USES comments its form is a replay and is held as spam.
COMMENT_TOKEN_MAX_USES = env.int("COMMENT_TOKEN_MAX_USES", default=3)
# The site-wide brake: once COMMENT_BRAKE_COUNT comments wait for moderation that came in the
# last COMMENT_BRAKE_SECONDS, new ones are held as suspected spam and editors are emailed once.
COMMENT_BRAKE_COUNT = env.int("COMMENT_BRAKE_COUNT", default=20)
COMMENT_BRAKE_SECONDS = env.int("COMMENT_BRAKE_SECONDS", default=600)
COMMENT_MAX_LINKS = env.int("COMMENT_MAX_LINKS", default=2)
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=20)
# At most one "comments are waiting" email to editors per this many seconds.
COMMENT_NOTIFY_INTERVAL = env.int("COMMENT_NOTIFY_INTERVAL", default=900)
# How many proxies in front of the site append to X-Forwarded-For (0: use the socket address).
PROXY_COUNT = env.int("PROXY_COUNT", default=0)
