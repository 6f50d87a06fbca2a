from django.db.models import Count, Q
from django.shortcuts import render

from curation.models import Status
from genes.models import Gene


def home(request):
    genes = Gene.objects.annotate(
        approved_claims=Count("claims", filter=Q(claims__status=Status.APPROVED))
    ).order_by("-approved_claims", "symbol")[:50]
    return render(request, "curation/home.html", {"genes": genes})
