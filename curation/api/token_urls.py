from django.urls import path

from curation.api import tokens

urlpatterns = [
    path("", tokens.api_token, name="api-token"),
]
