"""Every API error is JSON: {"code": machine-readable, "detail": for people}.

A 400 for invalid input adds "errors", which names each bad field with its
messages and codes (nested like the request body). Workflow refusals from the
models keep their own code: Forbidden is a 403, Invalid a 400, Conflict and
StaleVersion a 409. While the database is unreachable every request is a 503
"unavailable" with Retry-After, and the error itself goes only to the log.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from curation.models import WorkflowError

logger = logging.getLogger(__name__)


class WorkflowRefused(exceptions.APIException):
    """A WorkflowError raised by a Claim method, as an API error with its status and code."""

    def __init__(self, error):
        self.status_code = error.http_status
        super().__init__(detail=error.message, code=error.code)


class Ambiguous(exceptions.APIException):
    """A name that answers to several things: 300, with the choices."""

    status_code = status.HTTP_300_MULTIPLE_CHOICES
    default_code = "ambiguous"

    def __init__(self, detail, choices):
        super().__init__(detail=detail)
        self.choices = choices


def handle(exc, context):
    if isinstance(exc, OperationalError | InterfaceError):
        logger.error("API request failed: the database is unreachable", exc_info=exc)
        detail = "The database is unavailable; try again in a minute."
        return Response({"code": "unavailable", "detail": detail}, status=503, headers={"Retry-After": "30"})  # fmt: skip
    if isinstance(exc, WorkflowError):
        exc = WorkflowRefused(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.get_full_details()
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        response.data = {
            "code": "invalid",
            "detail": "Invalid input: " + ", ".join(errors) + ".",
            "errors": errors,
        }
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        response.data = {"code": getattr(detail, "code", exc.default_code), "detail": str(detail)}
        if isinstance(exc, Ambiguous):
            response.data["choices"] = exc.choices
    return response
