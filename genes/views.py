from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from genes.fetching import add_gene as add_gene_by_id
from genes.models import Gene

# Group names fixed by the claims app's data migration; genes cannot import it.
CURATOR_GROUPS = ["curators", "reviewers"]
RECENT = 20


def may_add_genes(user):
    return user.is_active and (
        user.is_staff or user.groups.filter(name__in=CURATOR_GROUPS).exists()
    )


class AddGeneForm(forms.Form):
    ncbi_gene_id = forms.IntegerField(
        label="NCBI Gene ID", min_value=1, help_text="For example 3665 for IRF7."
    )


@login_required
@require_http_methods(["GET", "POST"])
def add_gene(request):
    if not may_add_genes(request.user):
        raise PermissionDenied("Only curators can add genes.")
    form = AddGeneForm(request.POST or None)
    if form.is_valid():
        gene, queued = add_gene_by_id(form.cleaned_data["ncbi_gene_id"])
        if not queued:
            messages.info(
                request,
                f"Gene ID {gene.ncbi_gene_id} is already in the catalogue as {gene.symbol}.",
            )
        elif gene.fetch_status == Gene.FetchStatus.PENDING:
            messages.success(
                request,
                f"Gene ID {gene.ncbi_gene_id} added; its details are being fetched from NCBI.",
            )
        else:
            messages.info(request, f"Gene ID {gene.ncbi_gene_id} will be fetched from NCBI again.")
        return redirect("curate_genes:add")
    recent = Gene.objects.exclude(fetch_status=Gene.FetchStatus.NONE).order_by("-created_at")
    return render(request, "genes/add_gene.html", {"form": form, "recent": recent[:RECENT]})
