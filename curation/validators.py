"""Refuse control characters in text that people type, once for every form, serializer and address.

PostgreSQL cannot store NUL in text, and the other C0 and C1 control characters (ESC,
backspace...) have no place in prose: they break XML (the sitemap, PubMed-style exports)
and can rewrite a terminal that prints an export. Tab, line feed and carriage return stay.
"""

import re

from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, JsonResponse

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MESSAGE = "Remove the control characters (such as NUL or ESC): they cannot be stored."


def reject_control_characters(value):
    if CONTROL_CHARACTERS.search(value):
        raise ValidationError(MESSAGE, code="control_characters")


class ControlCharacterMiddleware:
    """400 for an address whose path or query string holds control characters.

    Views pass these values to queries, where a NUL would be a database error (a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path_info, *request.GET]
        values += [value for _, listed in request.GET.lists() for value in listed]
        if any(CONTROL_CHARACTERS.search(value) for value in values):
            detail = "The address holds control characters (such as NUL)."
            if request.path_info.startswith("/api/"):
                return JsonResponse({"code": "control_characters", "detail": detail}, status=400)
            return HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
