from django.urls import path

from curation import views

urlpatterns = [
    path("", views.home, name="home"),
]
