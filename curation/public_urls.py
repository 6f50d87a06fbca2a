from django.contrib.sitemaps import views as sitemap_views
from django.urls import path
from django.views.decorators.http import require_safe

from curation import public_views
from curation.sitemaps import SITEMAPS

urlpatterns = [
    path("", public_views.home, name="home"),
    path("search/", public_views.search, name="search"),
    path("genes/", public_views.gene_list, name="gene-list"),
    path("genes/<str:symbol>/", public_views.gene_detail, name="gene-detail"),
    path("references/<int:pk>/", public_views.reference_detail, name="reference-detail"),
    # An index of sitemaps: the catalogue outgrows the 50,000 addresses one sitemap may hold.
    path(
        "sitemap.xml",
        require_safe(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        require_safe(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
]
