"""Settings for the autosave load benchmark's gunicorn: the real settings plus a trivial view."""

import tempfile

from berakhlak.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# No collectstatic for a benchmark: plain storage so that {% static %} works with DEBUG off.
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
STATIC_ROOT = tempfile.mkdtemp(prefix="berakhlak-bench-static-")
