"""The Redis cache, tolerant of Redis being away.

The cache holds nothing that must survive (rate-limit counters, memoised pages): when Redis
is down or stops answering, a read is a miss and a write is dropped, with a warning in the log,
instead of a 500 on sign-in. Short socket timeouts (settings) keep a silent Redis from holding
a request for long. Rate limits count nothing while Redis is away: they fail open, as
django-redis's ``IGNORE_EXCEPTIONS`` does (``add`` answers "stored", so allauth's rate-limit
lock, taken with ``add``, is granted rather than refusing everyone).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _tolerant(default: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                log.warning("cache %s skipped, Redis unavailable: %r", method.__name__, error)
                return default

        return call

    return decorate


class TolerantRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except RedisError as error:
            log.warning("cache get skipped, Redis unavailable: %r", error)
            return default

    get_many = _tolerant({})(RedisCache.get_many)
    has_key = _tolerant(False)(RedisCache.has_key)
    add = _tolerant(True)(RedisCache.add)  # as if stored: a lock taken through add() is granted
    set = _tolerant(None)(RedisCache.set)
    set_many = _tolerant([])(RedisCache.set_many)
    touch = _tolerant(False)(RedisCache.touch)
    delete = _tolerant(False)(RedisCache.delete)
    delete_many = _tolerant(None)(RedisCache.delete_many)
    incr = _tolerant(0)(RedisCache.incr)
    decr = _tolerant(0)(RedisCache.decr)
    clear = _tolerant(False)(RedisCache.clear)
