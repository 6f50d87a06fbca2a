"""Query filters of the list endpoints (django-filter); a bad value is a 400 naming the filter."""

from datetime import timezone

import django_filters
from django import forms
from rest_framework.filters import OrderingFilter

from curation.models import Claim, Section, Status
from genes.models import Gene
from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from references.models import Reference


def identifier_field(normalize):
    class IdentifierField(forms.CharField):
        def to_python(self, value):
            value = super().to_python(value)
            if value in self.empty_values:
                return None
            try:
                return normalize(value)
            except ValueError as e:
                # As a parameter: the message quotes the value, which may hold a "%".
                raise forms.ValidationError(
                    "%(problem)s", code="invalid", params={"problem": str(e)}
                ) from None

    return IdentifierField


class UTCDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time, in UTC: PostgreSQL refuses offsets beyond 16 hours, Python does not."""

    def to_python(self, value):
        moment = super().to_python(value)
        try:
            return moment.astimezone(timezone.utc) if moment else moment
        except OverflowError:
            raise forms.ValidationError("This time is out of range.", code="invalid") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class IdentifierFilter(django_filters.Filter):
    def __init__(self, normalize, **kwargs):
        self.field_class = identifier_field(normalize)
        super().__init__(**kwargs)


class ClaimFilter(django_filters.FilterSet):
    gene = django_filters.CharFilter(
        method="filter_gene", max_length=64, label="Gene symbol or alias, any case."
    )
    section = django_filters.ChoiceFilter(choices=Section.choices)
    status = django_filters.ChoiceFilter(
        choices=Status.choices, label="Anonymous callers see approved claims only."
    )
    updated_since = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Claims changed at or after this ISO 8601 time, for incremental pulls.",
    )

    class Meta:
        model = Claim
        fields = ["gene", "section", "status", "updated_since"]

    def filter_gene(self, queryset, name, value):
        return queryset.filter(gene__in=Gene.objects.lookup(value))


class ReferenceFilter(django_filters.FilterSet):
    pmid = IdentifierFilter(normalize_pmid, label="PMID, e.g. 9822609.")
    doi = IdentifierFilter(normalize_doi, label="DOI, any case, with or without a resolver prefix.")
    pmcid = IdentifierFilter(normalize_pmcid, label="PMCID, e.g. PMC1171011.")
    retracted = django_filters.BooleanFilter()

    class Meta:
        model = Reference
        fields = ["pmid", "doi", "pmcid", "retracted"]


class StableOrderingFilter(OrderingFilter):
    """The order asked for, then the primary key, so that pages never overlap or skip rows."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view) or []
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering = [*ordering, "pk"]
        return ordering
