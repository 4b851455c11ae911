"""Settings of the Celery worker that tests/meetings/test_celery.py starts.

The real settings (DATABASE_URL and REDIS_URL from the environment), with the test's own queue
as the default queue: the mail task that the scan queues is then consumed by that worker too,
and nothing is left behind in a queue no worker of this run reads.
"""

import os

from acvz.settings import *  # noqa: F403

CELERY_TASK_DEFAULT_QUEUE = os.environ["REGIE_TEST_QUEUE"]
CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = os.environ.get(
    "REGIE_TEST_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
