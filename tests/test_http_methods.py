"""Pages that only show things answer GET and HEAD; any other method gets 405, not the page."""

import pytest
from django.urls import reverse

from tests.factories import make_approved_claim, make_claim
from tests.public_helpers import fresh_cache  # noqa: F401  (autouse: no page cached between tests)

WRITES = ("post", "put", "patch", "delete")


@pytest.fixture
def claim(curator, reviewer, gene):
    return make_approved_claim(curator, reviewer, gene=gene)


def public_addresses(claim):
    return [
        reverse("home"),
        reverse("search") + "?q=IRF7",
        reverse("gene-list"),
        reverse("gene-detail", args=["IRF7"]),
        reverse("reference-detail", args=[claim.citations.first().reference_id]),
        reverse("release-list"),
    ]


def curator_addresses(claim):
    return [
        reverse("curate-home"),
        reverse("claim-detail", args=[claim.pk]),
        reverse("review-queue"),
        reverse("gene-search") + "?q=IRF",
    ]


@pytest.mark.django_db
def test_public_pages_refuse_every_method_that_would_change_something(client, claim):
    for address in public_addresses(claim):
        assert client.get(address).status_code == 200, address
        assert client.head(address).status_code == 200, address
        for method in WRITES:
            response = getattr(client, method)(address)
            assert response.status_code == 405, (method, address)
            assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_curator_pages_that_only_show_refuse_writes_too(client, claim, reviewer):
    client.force_login(reviewer)
    for address in curator_addresses(claim):
        assert client.get(address).status_code == 200, address
        for method in WRITES:
            assert getattr(client, method)(address).status_code == 405, (method, address)


@pytest.mark.django_db
def test_pages_with_forms_still_take_their_posts(client, curator, gene):
    client.force_login(curator)
    draft = make_claim(curator, gene=gene)
    assert client.post(reverse("claim-edit", args=[draft.pk]), {}).status_code in (200, 302)
    assert client.post(reverse("claim-new"), {}).status_code == 200  # the form, with its errors
