"""The page where a curator creates or rotates their own API token."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from curation.models import can_write


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """GET says whether a token exists; POST replaces it and shows the new key, this once."""
    if not can_write(request.user):
        raise PermissionDenied("Only curators can have an API token.")
    key = None
    if request.method == "POST":
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            if request.POST.get("action") != "revoke":
                key = Token.objects.create(user=request.user).key
    token = Token.objects.filter(user=request.user).first()
    return render(request, "curation/api_token.html", {"token": token, "key": key})
