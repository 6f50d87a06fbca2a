import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_demo_accounts_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("demo_accounts")
    from django.contrib.auth.models import User

    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_accounts_created_with_their_roles_and_printed(settings):
    settings.DEBUG = True
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    call_command("demo_accounts", stdout=io.StringIO())  # running again only resets them

    curator = authenticate(username="curator", password="curator-demo-pw")
    reviewer = authenticate(username="reviewer", password="reviewer-demo-pw")
    admin = authenticate(username="admin", password="admin-demo-pw")
    assert curator.has_perm("curation.add_claim") and not curator.has_perm("curation.review_claim")
    assert reviewer.has_perm("curation.review_claim")
    assert admin.is_superuser
    assert "reviewer-demo-pw" in out.getvalue()
