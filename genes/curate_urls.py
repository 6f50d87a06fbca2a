from django.urls import path

from genes import views

app_name = "curate_genes"

urlpatterns = [
    path("add/", views.add_gene, name="add"),
]
