from django.urls import path

from curation import curate_views as views

urlpatterns = [
    path("", views.home, name="curate-home"),
    path("claims/new/", views.claim_new, name="claim-new"),
    path("claims/<int:pk>/", views.claim_detail, name="claim-detail"),
    path("claims/<int:pk>/edit/", views.claim_edit, name="claim-edit"),
    path("claims/<int:pk>/<str:action>/", views.claim_action, name="claim-action"),
    path("review/", views.review_queue, name="review-queue"),
    path("gene-search/", views.gene_search, name="gene-search"),
    path("citation-state/", views.citation_state, name="citation-state"),
]
