"""Streaming bulk exports and per-reference citation downloads, open to everyone.

They are DRF views so that the OpenAPI schema lists them, but they hold no
session (no authentication at all: the data are public) and are throttled per
address, since one request may stream gigabytes.
"""

from datetime import datetime
from datetime import timezone as dt_timezone

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from curation import exports
from references import citeformats
from references.models import Reference


class BadParameter(APIException):
    status_code = 400
    default_code = "invalid"


class AddressThrottle(SimpleRateThrottle):
    """So many requests per client address, whoever the caller is."""

    def get_rate(self):
        return settings.EXPORT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ExportThrottle(AddressThrottle):
    scope = "export"


class CitationThrottle(AddressThrottle):
    scope = "citation"


class PublicView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        # The body is a file whatever the Accept header asks for; errors are JSON.
        return super().perform_content_negotiation(request, force=True)


FORMATS = """Streamed in constant memory; a full export has every approved row.

NDJSON: one JSON object per line (the Claim or Reference representation);
identifiers such as PMIDs are strings, absent values null or [], times UTC
(2025-01-31T12:00:00.000000Z).

TSV: a header line, then one row per line. Fields use PostgreSQL's COPY text
escaping: backslash as \\\\, tab \\t, newline \\n, carriage return \\r (also
\\b, \\f, \\v); every other character is itself (UTF-8). Lists are
comma-separated; absent values are empty. generifs.tsv follows NCBI's
generifs_basic columns and lists only claims that cite PubMed papers.

updated_since: a claim counts as changed when it or a reference it cites
changed; a reference when it or an approved claim citing it changed. Claims no
longer approved do not appear in an incremental pull.
"""
ERROR = inline_serializer(
    "ExportError", {"code": serializers.CharField(), "detail": serializers.CharField()}
)
UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.STR,
    description=(
        "Only what changed at or after this moment: an ISO date (2025-01-31, midnight UTC) "
        "or date-time (2025-01-31T12:00:00Z; without an offset it is UTC)."
    ),
)


def parse_since(value):
    """The aware datetime an `updated_since` value names, or None; BadParameter if not one."""
    if value is None or value == "":
        return None
    value = value.strip()
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = None if day is None else datetime(day.year, day.month, day.day)
    except ValueError:
        moment = None
    if moment is None:
        raise BadParameter(
            f"updated_since={value!r} is not a date or date-time: use an ISO date "
            "(2025-01-31) or date-time (2025-01-31T12:00:00Z)."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt_timezone.utc)
    return moment


def _export_view(name):
    export = exports.EXPORTS[name]

    class ExportView(PublicView):
        throttle_classes = [ExportThrottle]

        @extend_schema(
            operation_id=f"export_{name.replace('.', '_')}",
            summary=export.description,
            description=FORMATS,
            tags=["exports"],
            parameters=[UPDATED_SINCE],
            responses={
                (200, export.content_type.split(";")[0]): OpenApiResponse(
                    OpenApiTypes.BINARY, description=f"{export.description} Streamed."
                ),
                400: OpenApiResponse(ERROR, description="updated_since is not a date."),
                429: OpenApiResponse(ERROR, description="Too many requests from this address."),
            },
        )
        def get(self, request):
            since = parse_since(request.query_params.get("updated_since"))
            response = StreamingHttpResponse(
                exports.stream(name, since), content_type=export.content_type
            )
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response

    ExportView.__name__ = ExportView.__qualname__ = f"Export{name.title().replace('.', '')}View"
    return ExportView


ClaimsNdjsonView = _export_view("claims.ndjson")
ClaimsTsvView = _export_view("claims.tsv")
ReferencesNdjsonView = _export_view("references.ndjson")
GenerifsTsvView = _export_view("generifs.tsv")


class ReferenceCitationView(PublicView):
    throttle_classes = [CitationThrottle]

    @extend_schema(
        operation_id="export_reference_citation",
        summary="One reference as BibTeX (.bib), RIS (.ris) or CSL-JSON (.csl.json).",
        tags=["exports"],
        parameters=[
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=list(citeformats.FORMATS))
        ],
        responses={
            (200, "application/x-bibtex"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/x-research-info-systems"): OpenApiResponse(OpenApiTypes.STR),
            (200, "application/vnd.citationstyles.csl+json"): OpenApiResponse(OpenApiTypes.OBJECT),
            404: OpenApiResponse(ERROR, description="No such reference."),
            429: OpenApiResponse(ERROR, description="Too many requests from this address."),
        },
    )
    def get(self, request, pk, fmt):
        reference = get_object_or_404(Reference, pk=pk)
        render, content_type = citeformats.FORMATS[fmt]
        response = HttpResponse(render(reference), content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="reference-{reference.pk}.{fmt}"'
        return response
