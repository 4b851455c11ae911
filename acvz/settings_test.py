"""Settings for the test suite: the same as production's, with test-only speed-ups."""

import os

os.environ.setdefault("REGIE_TESTING", "1")

from acvz.settings import *  # noqa: F403

# Logic tests run tasks in-process; the Redis round-trip test switches this off itself.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
