"""Refuse control characters in text that people type, once for every form, serializer and address.

PostgreSQL cannot store NUL in text, and the other C0 and C1 control characters (ESC,
backspace...) have no place in prose: they break XML (the sitemap, PubMed-style exports)
and can rewrite a terminal that prints an export. Tab, line feed and carriage return stay.
"""

import re

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest

# NUL is left to the validator every Django and DRF CharField already has (its own error
# code, "null_characters_not_allowed"); addresses have no such validator, so they check it here.
CONTROL_CHARACTERS = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_OR_NUL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MESSAGE = "Remove the control characters (such as ESC): they have no place in the text."
# gunicorn refuses a request line over 4094 bytes before Django sees it; the same bound here
# keeps any server from passing a longer search to a query (SQLite's LIKE refuses >50 kB).
QUERY_STRING_MAX = 4094


def reject_control_characters(value):
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(MESSAGE, code="control_characters")


class ControlCharacterMiddleware:
    """A page's address with control characters: 404 in its path (no page has such a name),
    400 in its query string, as is a query string over QUERY_STRING_MAX bytes. Views pass
    these values to queries, where a NUL is a database error. The API is left to its filters
    and serializers, which name the bad field in JSON.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            return self.get_response(request)
        if CONTROL_CHARACTERS_OR_NUL.search(request.path_info):
            raise Http404("No page has control characters in its address.")
        if len(request.META.get("QUERY_STRING", "")) > QUERY_STRING_MAX:
            return HttpResponseBadRequest(
                f"The query string is longer than {QUERY_STRING_MAX} bytes.",
                content_type="text/plain; charset=utf-8",
            )
        query = [*request.GET, *(value for _, values in request.GET.lists() for value in values)]
        if any(CONTROL_CHARACTERS_OR_NUL.search(value) for value in query):
            return HttpResponseBadRequest(
                "The query string holds control characters (such as NUL).",
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
