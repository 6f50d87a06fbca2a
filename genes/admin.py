from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html

from genes.fetching import fetch_on_commit
from genes.models import Gene, GeneName, placeholder_symbol

# genes never imports curation (dependencies point one way), so the approved
# status is named by its stored value here.
APPROVED = "approved"


# The unique constraint on a gene's names is on name_upper, which is not a form
# field, so Django's form validation skips it; these say so instead of failing
# on the database's refusal.
DUPLICATE_NAME = "This gene already has this name."


class GeneNameFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE") or not data.get("name"):
                continue
            key = (data["kind"], data["name"].upper())
            if key in seen:
                form.add_error("name", forms.ValidationError(DUPLICATE_NAME, code="unique"))
            seen.add(key)


class GeneNameForm(forms.ModelForm):
    def clean(self):
        cleaned_data = super().clean()
        gene, name, kind = (cleaned_data.get(f) for f in ("gene", "name", "kind"))
        if gene and name and kind:
            others = GeneName.objects.filter(gene=gene, kind=kind, name_upper=name.upper())
            if others.exclude(pk=self.instance.pk).exists():
                self.add_error("name", forms.ValidationError(DUPLICATE_NAME, code="unique"))
        return cleaned_data


class GeneAddForm(forms.ModelForm):
    """A new gene: its Gene ID alone is enough, the rest can come from NCBI."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["symbol"].required = False
        self.fields["symbol"].help_text = "Leave empty to fetch it from NCBI Gene."

    def clean(self):
        cleaned_data = super().clean()
        if not cleaned_data.get("symbol") and cleaned_data.get("ncbi_gene_id"):
            cleaned_data["symbol"] = placeholder_symbol(cleaned_data["ncbi_gene_id"])
        return cleaned_data


class GeneNameInline(admin.TabularInline):
    model = GeneName
    formset = GeneNameFormSet
    fields = ["name", "kind", "discontinued_on"]
    extra = 0


@admin.register(Gene)
class GeneAdmin(admin.ModelAdmin):
    list_display = [
        "symbol",
        "name",
        "ncbi_gene_id",
        "hgnc_id",
        "location",
        "gene_type",
        "fetch_status",
        "approved_claims",
    ]
    list_filter = ["gene_type", "fetch_status"]
    # `=ncbi_gene_id` is an iexact lookup, which compares text, so a word
    # typed into the search box does not fail on the integer column.
    search_fields = ["symbol", "name", "names__name", "=ncbi_gene_id", "hgnc_id"]
    readonly_fields = [
        "replaced_by",
        "discontinued_on",
        "fetch_status",
        "fetch_error",
        "fetched_at",
        "created_at",
        "updated_at",
    ]
    inlines = [GeneNameInline]
    actions = ["fetch_from_ncbi"]
    fieldsets = [
        (None, {"fields": ["symbol", "name", "gene_type", "chromosome", "location"]}),
        (
            "Identifiers",
            {
                "fields": [
                    "ncbi_gene_id",
                    "hgnc_id",
                    "gene_family",
                    "ensembl_id",
                    "uniprot_ids",
                    "mim_ids",
                ]
            },
        ),
        ("Description", {"fields": ["description", "description_source"]}),
        ("NCBI", {"fields": ["fetch_status", "fetch_error", "fetched_at"]}),
        ("History", {"fields": ["replaced_by", "discontinued_on", "created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "fields": ["ncbi_gene_id", "symbol", "name", "gene_type", "chromosome", "location"],
                "description": "Type the gene's NCBI Gene ID and leave the symbol empty: the "
                "gene is then filled from NCBI Gene in the background. Or enter it by hand.",
            },
        ),
        *fieldsets[1:3],
    ]

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = GeneAddForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        by_id = not change and obj.symbol == placeholder_symbol(obj.ncbi_gene_id)
        if by_id:
            obj.fetch_status = Gene.FetchStatus.PENDING
        super().save_model(request, obj, form, change)
        if by_id:
            fetch_on_commit([obj.pk])

    @admin.action(description="Fetch the selected genes again from NCBI")
    def fetch_from_ncbi(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        fetch_on_commit(ids)
        self.message_user(
            request, f"Queued {len(ids)} gene(s) for a fetch from NCBI.", messages.SUCCESS
        )

    def get_queryset(self, request):
        # distinct: a search on aliases joins the names and repeats each gene's
        # rows. Ordered again: a GROUP BY drops the model's default ordering,
        # which the autocomplete's pagination needs.
        return (
            super()
            .get_queryset(request)
            .annotate(
                approved_claim_count=Count(
                    "claims", filter=Q(claims__status=APPROVED), distinct=True
                )
            )
            .order_by("symbol")
        )

    @admin.display(description="approved claims", ordering="approved_claim_count")
    def approved_claims(self, gene):
        if not gene.approved_claim_count:
            return 0
        url = reverse("admin:curation_claim_changelist")
        return format_html(
            '<a href="{}?gene__id__exact={}&amp;status__exact={}">{}</a>',
            url,
            gene.pk,
            APPROVED,
            gene.approved_claim_count,
        )


@admin.register(GeneName)
class GeneNameAdmin(admin.ModelAdmin):
    form = GeneNameForm
    list_display = ["name", "kind", "gene", "discontinued_on"]
    list_filter = ["kind"]
    list_select_related = ["gene"]
    search_fields = ["name", "gene__symbol"]
    autocomplete_fields = ["gene"]
