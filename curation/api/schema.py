"""OpenAPI generation: drf-spectacular's, plus the errors each operation can answer with.

Every error body is the same small object (see exceptions.py), so rather than
repeat it on every view, the statuses each kind of operation can give are
added here: the schema then says what a client really meets.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS


class Error(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable, e.g. four_eyes or stale_version.")
    detail = serializers.CharField(help_text="What went wrong, for people.")


class Invalid(Error):
    errors = serializers.DictField(
        required=False,
        help_text='Each bad field with its problems: {"field": [{"message", "code"}]}, '
        "nested like the request body (a list field has one entry per item).",
    )


class GeneChoice(serializers.Serializer):
    symbol = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField(help_text="This API's address for the gene.")


class Ambiguous(Error):
    choices = GeneChoice(many=True)


def error(description, serializer=Error):
    return OpenApiResponse(serializer, description=description)


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        auths = super().get_auth()
        if self.method in SAFE_METHODS:
            auths.append({})  # reading needs no credentials
        return auths

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, response in self.error_responses().items():
            responses.setdefault(
                str(code), self._get_response_for_code(response, str(code), direction=direction)
            )
        return dict(sorted(responses.items()))

    def error_responses(self):
        errors = {
            401: error("The credentials given are wrong (or, to write, none were given)."),
            429: error("Too many requests from this address without credentials; retry later."),
        }
        action = getattr(self.view, "action", None)
        if action == "list":
            errors[400] = error("A filter has an invalid value.", Invalid)
            errors[404] = error("There is no such page.")
        elif action is not None:
            errors[404] = error("Not found (or not visible to you).")
        if self.method not in SAFE_METHODS:
            errors[400] = error("Invalid input: `errors` names each bad field.", Invalid)
            errors[403] = error("You may not do this (not a curator, not the author, four-eyes).")
            errors[415] = error("The body must be JSON.")
            if action not in ("create",):
                errors[409] = error(
                    "Stale version (code stale_version) or a move the claim's state does not "
                    "allow (illegal_transition, not_editable, unresolved_references...)."
                )
        return errors
