from csp.constants import NONCE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from curation.api import views

router = SimpleRouter()
router.register("genes", views.GeneViewSet, basename="api-gene")
router.register("claims", views.ClaimViewSet, basename="api-claim")
router.register("references", views.ReferenceViewSet, basename="api-reference")

urlpatterns = [
    path("v1/", include(router.urls)),
    # Anything else under v1/ is a JSON 404 too, not an HTML page.
    re_path(r"^v1/", views.not_found),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI starts from an inline script: this page alone allows it, by nonce (SECURITY.md).
    path(
        "docs/",
        csp_update({"script-src": [NONCE]})(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]
