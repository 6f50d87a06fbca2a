from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.db.models.functions import Coalesce, Greatest

from curation.models import Status
from genes.models import Gene


class GeneSitemap(Sitemap):
    """Every gene page, last modified at its latest approval or catalogue change."""

    changefreq = "weekly"
    limit = 10_000

    def items(self):
        last_approved = Max("claims__decided_at", filter=Q(claims__status=Status.APPROVED))
        return (
            Gene.objects.only("symbol", "updated_at")
            .annotate(changed=Greatest("updated_at", Coalesce(last_approved, "updated_at")))
            .order_by("symbol")
        )

    def lastmod(self, gene):
        return gene.changed


SITEMAPS = {"genes": GeneSitemap}
