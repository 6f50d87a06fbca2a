from django.urls import path

from curation import release_views as views

urlpatterns = [
    path("", views.release_list, name="release-list"),
    path("<str:release>/<str:name>", views.release_file, name="release-file"),
]
