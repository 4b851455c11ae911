"""Settings for the benchmarks: the production settings (DEBUG off), with the bench's URLconf
(the empty views beside the product's URLs) and loopback hosts. Used only by `bench/`."""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
# Plain http on loopback: no secure cookies, no https redirect, no HSTS.
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("CONN_MAX_AGE", "600")
# The generator's COPY and ANALYZE of millions of rows outlast the web's statement timeout.
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "0")
# The floor (empty API views) is asked far above a partner system's rate: measure, not refuse.
os.environ.setdefault("REGIE_API_RATE_USER", "1000000/minute")

from acvz.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Plain http on loopback: cookies without the Secure flag.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic for a benchmark: the manifest storage needs one; page cost is the same.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
# whitenoise warns that STATIC_ROOT (collectstatic's output) does not exist: not needed here.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
