"""Anonymous reads of the API answered from the cache, with ETag and Last-Modified.

Only anonymous GET and HEAD requests for JSON are cached: no Authorization
header and no logged-in session, since curators and reviewers see more than
the public. A response is kept under the site address, the path, the query
string with its parameters sorted, and the media type chosen (JSON, possibly
indented), for as long as the API stamp is unchanged (curation.cache); any
change an anonymous reader could see bumps it (curation.receivers). A query
with a parameter the endpoint does not know is answered but not kept, so that
made-up parameters cannot fill the cache.

The lookup runs after DRF's authentication, permissions and throttling, so a
hit is counted against the caller's rate like any request, and makes no
database query.
"""

import functools
import hashlib
from urllib.parse import urlencode

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from curation import cache

# Who is asking and for what decides the answer: shared caches must keep them apart.
VARY = ("Accept", "Authorization", "Cookie")
CONDITIONAL_HEADERS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE")


def cached(handler):
    """A read action of a CachedReads viewset, answered from the cache when it may be."""

    @functools.wraps(handler)
    def answer(view, request, *args, **kwargs):
        key = response_key(request, view)
        if key is None:
            return handler(view, request, *args, **kwargs)
        stamp, stored = cache.api_lookup(key)
        if stamp is None:
            stamp = cache.ensure_api_stamp()
        view.cache_entry = key, stamp
        if any(header in request.META for header in CONDITIONAL_HEADERS):
            not_modified = get_conditional_response(
                request, etag=etag(key, stamp), last_modified=stamp // 1_000_000_000
            )
            if not_modified is not None:
                return not_modified
        if stored is not None:
            body, content_type = stored
            return HttpResponse(body, content_type=content_type)
        # Read after the stamp, so the response kept with it is at least as new as it.
        return handler(view, request, *args, **kwargs)

    return answer


class CachedReads:
    """For a viewset: `list` and `retrieve` answered from the cache for anonymous callers.

    A viewset that writes its own `retrieve` decorates it with @cached.
    """

    cache_entry = None  # (key, stamp) while answering a request that may be cached

    @cached
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @cached
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, VARY)
        if self.cache_entry is not None and response.status_code in (200, 304):
            key, stamp = self.cache_entry
            if isinstance(response, Response):  # rendered here, not from the cache
                response.render()
                cache.store_api(key, stamp, response.content, response["Content-Type"])
            response["ETag"] = etag(key, stamp)
            response["Last-Modified"] = http_date(stamp // 1_000_000_000)
            # Shared caches may keep it but must ask again each time: approvals show at once.
            response["Cache-Control"] = "public, no-cache"
        return response


def response_key(request, view):
    """The cache key of an anonymous read of JSON, or None when the answer is not to be kept."""
    django_request = request._request
    if (
        django_request.method not in ("GET", "HEAD")
        or "HTTP_AUTHORIZATION" in django_request.META
        or request.user.is_authenticated
        or not isinstance(request.accepted_renderer, JSONRenderer)
    ):
        return None
    params = sorted(django_request.GET.lists())  # each name's values keep their order
    if not known_parameters(type(view)).issuperset(name for name, _ in params):
        return None
    return "\x1f".join(
        [
            django_request.scheme,
            django_request.get_host(),
            django_request.path,
            urlencode(params, doseq=True),
            request.accepted_media_type,
        ]
    )


@functools.cache
def known_parameters(view_class):
    """The query parameters a view reads: its filters, ordering, pages and format."""
    names = {api_settings.URL_FORMAT_OVERRIDE, api_settings.ORDERING_PARAM}
    if paginator := view_class.pagination_class:
        names |= {paginator.page_query_param, paginator.page_size_query_param}
    if filterset := getattr(view_class, "filterset_class", None):
        names |= set(filterset.base_filters)
    return frozenset(names)


def etag(key, stamp):
    # The key's digest too: the JSON and the indented JSON of one address are different bytes.
    digest = hashlib.blake2b(key.encode(), digest_size=6).hexdigest()
    return f'"api-{stamp:x}-{digest}"'
