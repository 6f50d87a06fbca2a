"""/healthz for load balancers: can this process reach the database, the cache and the broker?

Answered by a middleware placed first, before the host check and the HTTPS
redirect: a load balancer probes over plain HTTP by address, and neither of
those should make a healthy process look down. The answer names each part and
says "ok" or "unavailable", never why: error messages can hold addresses and
user names.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)

PATH = "/healthz"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def check_cache():
    key, value = "healthz", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    return cache.get(key) == value


def check_broker():
    from curation.celery import app

    with app.connection_for_write(connect_timeout=2) as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
    return True


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def health():
    """({part: "ok" | "unavailable"}, whether all are ok)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            ok = check()
        except Exception:
            logger.exception("health check %s failed", name)
            ok = False
        results[name] = "ok" if ok else "unavailable"
    return results, all(value == "ok" for value in results.values())


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != PATH:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return JsonResponse({"detail": "Use GET."}, status=405, headers={"Allow": "GET, HEAD"})
        results, ok = health()
        response = JsonResponse(
            {"status": "ok" if ok else "unavailable", "checks": results}, status=200 if ok else 503
        )
        response["Cache-Control"] = "no-store"
        return response
