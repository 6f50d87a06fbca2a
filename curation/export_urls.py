from django.urls import path, register_converter

from curation import export_views as views


class CitationFormat:
    regex = r"bib|ris|csl\.json"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CitationFormat, "citation_format")

urlpatterns = [
    path("claims.ndjson", views.ClaimsNdjsonView.as_view(), name="export-claims-ndjson"),
    path("claims.tsv", views.ClaimsTsvView.as_view(), name="export-claims-tsv"),
    path(
        "references.ndjson",
        views.ReferencesNdjsonView.as_view(),
        name="export-references-ndjson",
    ),
    path("generifs.tsv", views.GenerifsTsvView.as_view(), name="export-generifs-tsv"),
    path(
        "references/<int:pk>.<citation_format:fmt>",
        views.ReferenceCitationView.as_view(),
        name="reference-citation",
    ),
]
