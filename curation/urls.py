from django.contrib import admin
from django.urls import include, path

# Public pages first: they are most of the traffic, and each pattern is exact.
urlpatterns = [
    path("", include("curation.public_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("curation.account_urls")),
    path("curate/genes/", include("genes.curate_urls")),
    path("curate/token/", include("curation.api.token_urls")),
    path("curate/", include("curation.curate_urls")),
    path("api/v1/export/", include("curation.export_urls")),
    path("api/", include("curation.api.urls")),
    path("releases/", include("curation.release_urls")),
]
