"""The public, read-only pages. No login, no session, no CSRF token: every
reader gets the same bytes, so that pages can be cached here and by proxies.
"""

import difflib

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, urlencode
from django.views.decorators.http import require_safe

from curation import cache
from curation.gene_page import build_gene_page, load_gene, structured_data
from curation.models import Claim
from curation.search import search_claims, search_genes
from genes.models import Gene, GeneName
from references.models import Reference

HOME_GENES = 10
HOME_CLAIMS = 10
GENES_PER_PAGE = 100
CLAIMS_PER_PAGE = 20
GENE_RESULTS_PER_PAGE = 20
SUGGESTIONS = 8
CONDITIONAL_HEADERS = {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"}


@require_safe
def home(request):
    top = list(
        Claim.objects.public()
        .values("gene")
        .annotate(approved=Count("id"))
        .order_by("-approved", "gene__symbol")[:HOME_GENES]
    )
    by_id = Gene.objects.only("symbol", "name").in_bulk([row["gene"] for row in top])
    genes = [(by_id[row["gene"]], row["approved"]) for row in top]
    if len(genes) < HOME_GENES:
        # A young catalogue: fill the list with genes awaiting their first claims.
        others = Gene.objects.exclude(pk__in=by_id).only("symbol", "name")
        genes += [(gene, 0) for gene in others[: HOME_GENES - len(genes)]]
    recent = (
        Claim.objects.public()
        .select_related("gene")
        .only("id", "text", "decided_at", "gene__symbol", "gene__name")
        .order_by("-decided_at", "-id")[:HOME_CLAIMS]
    )
    return render(request, "public/home.html", {"genes": genes, "recent": recent})


@require_safe
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    context = {"query": query, "query_param": urlencode({"q": query})}
    if query:
        context["genes"] = Paginator(search_genes(query), GENE_RESULTS_PER_PAGE).get_page(
            request.GET.get("gpage")
        )
        context["claims"] = Paginator(search_claims(query), CLAIMS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(request, "public/search.html", context)


@require_safe
def gene_list(request):
    letter = request.GET.get("letter", "").upper()[:1]
    genes = Gene.objects.only("symbol", "name", "location").order_by("symbol")
    if letter.isalpha():
        genes = genes.filter(symbol__istartswith=letter)
    page = Paginator(genes, GENES_PER_PAGE).get_page(request.GET.get("page"))
    counts = dict(
        Claim.objects.public()
        .filter(gene__in=[gene.pk for gene in page])
        .values_list("gene")
        .annotate(n=Count("id"))
    )
    rows = [(gene, counts.get(gene.pk, 0)) for gene in page]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return render(
        request,
        "public/gene_list.html",
        {"page": page, "rows": rows, "letter": letter, "letters": letters},
    )


@require_safe
def gene_detail(request, symbol):
    """The gene page, from the cache when its stamp is current; other names redirect."""
    origin = f"{request.scheme}://{request.get_host()}"
    stamp, body = cache.lookup(symbol, origin)
    if stamp is None:
        if not Gene.objects.filter(symbol=symbol).exists():
            return gene_elsewhere(request, symbol)
        stamp = cache.ensure_stamp(symbol)
    if CONDITIONAL_HEADERS.intersection(request.META):
        not_modified = get_conditional_response(
            request, etag=stamp.etag, last_modified=stamp.last_modified
        )
        if not_modified is not None:
            return _with_validators(not_modified, stamp)
    if body is None:
        # Read after the stamp, so the page kept with it is at least as new as it.
        gene = load_gene(symbol)
        if gene is None:  # renamed since the stamp was made
            return gene_elsewhere(request, symbol)
        page, url = build_gene_page(gene), origin + gene.get_absolute_url()
        context = {"page": page, "url": url, "json_ld": structured_data(page, url)}
        body = render_to_string("public/gene_detail.html", context).encode()
        cache.store(symbol, origin, stamp, body)
    return _with_validators(HttpResponse(body), stamp)


@require_safe
def gene_elsewhere(request, name):
    """A name that is not a current symbol: redirect, let the reader choose, or 404."""
    genes = list(Gene.objects.lookup(name).only("symbol", "name").order_by("symbol")[:50])
    if len(genes) == 1:
        return HttpResponsePermanentRedirect(genes[0].get_absolute_url())
    if genes:
        # 300 Multiple Choices: the address names no one page; the body lists the choices.
        return render(
            request, "public/gene_choices.html", {"name": name, "genes": genes}, status=300
        )
    return render(
        request,
        "public/gene_not_found.html",
        {"name": name, "suggestions": close_matches(name)},
        status=404,
    )


def close_matches(name, limit=SUGGESTIONS):
    """Genes whose symbol or other name looks like `name`, most alike first."""
    name = name.strip().upper()
    if not name:
        return []
    stem = name[:2]
    candidates = {
        gene.symbol.upper(): gene
        for gene in Gene.objects.filter(
            Q(symbol__istartswith=stem) | Q(names__name_upper__startswith=stem)
        )
        .only("symbol", "name")
        .distinct()[:500]
    }
    names = dict(
        GeneName.objects.filter(name_upper__startswith=stem, gene__in=candidates.values())
        .values_list("name_upper", "gene__symbol")
        .order_by()[:500]
    )
    spellings = list(candidates) + list(names)
    found = []
    for match in difflib.get_close_matches(name, spellings, n=limit * 2, cutoff=0.5):
        gene = candidates.get(match) or candidates.get(names.get(match, "").upper())
        if gene is not None and gene not in found:
            found.append(gene)
    return found[:limit]


@require_safe
def reference_detail(request, pk):
    reference = get_object_or_404(Reference, pk=pk)
    claims = (
        Claim.objects.public()
        .filter(citations__reference=reference)
        .select_related("gene")
        .only("id", "text", "section", "evidence_type", "organism", "gene__symbol", "gene__name")
        .order_by("gene__symbol", "section", "position", "id")
    )
    return render(
        request, "public/reference_detail.html", {"reference": reference, "claims": claims}
    )


def _with_validators(response, stamp):
    response["ETag"] = stamp.etag
    response["Last-Modified"] = http_date(stamp.last_modified)
    # Shared caches may keep the page but must ask again each time: approvals show at once.
    response["Cache-Control"] = "public, no-cache"
    return response
