"""The cache on Redis, for when Redis is away: a read is a miss and a write is skipped, so pages
that only cache (the dashboard's fragments, the response board's counts) keep working, slower,
instead of answering 500. After a failure Redis is not asked again for `PAUSE_SECONDS`, so a page
with many cache calls does not wait out the connect timeout on each (docs/ARCHITECTURE.md §3.1).
/health/ still names Redis as broken."""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
PAUSE_SECONDS = 10.0
MISSING = object()


class ForgivingRedisCache(RedisCache):
    _down_until = 0.0  # shared by every instance in the process

    def _call(self, name: str, default, *args, **kwargs):
        if time.monotonic() < ForgivingRedisCache._down_until:
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            ForgivingRedisCache._down_until = time.monotonic() + PAUSE_SECONDS
            logger.warning("cache unavailable (%s); pages go on without it", error)
            return default

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=MISSING, version=None):
        args = (key, value) if timeout is MISSING else (key, value, timeout)
        return self._call("set", None, *args, version=version)

    def set_many(self, data, timeout=MISSING, version=None):
        args = (data,) if timeout is MISSING else (data, timeout)
        return self._call("set_many", list(data), *args, version=version)

    def add(self, key, value, timeout=MISSING, version=None):
        args = (key, value) if timeout is MISSING else (key, value, timeout)
        return self._call("add", False, *args, version=version)

    def touch(self, key, timeout=MISSING, version=None):
        args = (key,) if timeout is MISSING else (key, timeout)
        return self._call("touch", False, *args, version=version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", None, key, delta, version)

    def clear(self):
        return self._call("clear", None)
