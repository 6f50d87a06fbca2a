from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from references.identifiers import parse_identifier
from references.models import Reference
from references.tasks import queue_fetch_ids


def identifier_filter(term):
    """A filter for the one reference `term` names (PMID, DOI, PMCID in any usual form), or None."""
    try:
        kind, value = parse_identifier(term)
    except ValueError:
        return None
    return Q(**{kind: value})


@admin.register(Reference)
class ReferenceAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "short_title",
        "pmid",
        "doi",
        "kind",
        "year",
        "fetch_status",
        "fetched_at",
        "retracted",
        "citing_claims",
    ]
    actions = ["refetch"]
    list_filter = ["kind", "fetch_status", "retracted", "manual_metadata"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ["title", "doi", "pmcid", "url"]
    readonly_fields = [
        "fetch_status",
        "fetch_error",
        "fetch_attempts",
        "fetched_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        ("Identifiers", {"fields": ["kind", "pmid", "pmid_version", "doi", "pmcid", "url"]}),
        (
            "Bibliographic",
            {
                "fields": [
                    "title",
                    "title_html",
                    "vernacular_title",
                    "authors",
                    "journal",
                    "journal_abbrev",
                    ("volume", "issue", "pages"),
                    ("year", "published", "medline_date", "epub_date"),
                    "publication_types",
                    "mesh_terms",
                    "language",
                    "manual_metadata",
                ]
            },
        ),
        ("Abstract", {"fields": ["abstract", "abstract_sections"], "classes": ["collapse"]}),
        (
            "Retraction and corrections",
            {"fields": ["retracted", "retraction_pmids", "erratum_pmids", "concern_pmids"]},
        ),
        (
            "Fetch state",
            {"fields": readonly_fields},
        ),
    ]

    def get_queryset(self, request):
        # Ordered again: a GROUP BY drops the model's default ordering, which
        # the autocomplete's pagination needs.
        return (
            super()
            .get_queryset(request)
            .annotate(citing_claim_count=Count("citations"))
            .order_by("id")
        )

    def get_search_results(self, request, queryset, search_term):
        # A whole term that is an identifier is looked up exactly, on its index:
        # "PMID: 9822609", "https://doi.org/10.1038/NM.2830", "pmc1171011".
        # PMID is an integer column, so it is searched only this way; words go
        # to the text fields and never reach it.
        exact = identifier_filter(search_term.strip())
        if exact is not None:
            return queryset.filter(exact), False
        return super().get_search_results(request, queryset, search_term)

    @admin.action(description="Re-fetch selected references from PubMed", permissions=["change"])
    def refetch(self, request, queryset):
        ids = list(queryset.fetchable().order_by("pk").values_list("pk", flat=True))
        queue_fetch_ids(ids)
        self.message_user(
            request,
            f"{len(ids)} reference{'s' * (len(ids) != 1)} queued for fetching.",
            messages.SUCCESS,
        )
        skipped = queryset.count() - len(ids)
        if skipped:
            self.message_user(
                request,
                f"{skipped} selected reference{'s have' if skipped != 1 else ' has'} no PMID, "
                "DOI or PMCID to fetch by.",
                messages.WARNING,
            )

    @admin.display(description="title", ordering="title")
    def short_title(self, reference):
        label = reference.title or reference.url or "(untitled)"
        return label if len(label) <= 80 else label[:79] + "…"

    @admin.display(description="citing claims", ordering="citing_claim_count")
    def citing_claims(self, reference):
        if not reference.citing_claim_count:
            return 0
        return format_html(
            '<a href="{}?citations__reference={}">{}</a>',
            reverse("admin:curation_claim_changelist"),
            reference.pk,
            reference.citing_claim_count,
        )
