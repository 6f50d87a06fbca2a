"""Public pages set no cookie and do not vary by reader, so any cache may keep them."""

import pytest

from genes.models import Gene, GeneName
from references.models import Reference
from tests.public_helpers import fresh_cache, load_demo  # noqa: F401

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/search/?q=IRF7",
    "/search/?q=interferon",
    "/genes/",
    "/genes/?letter=I",
    "/genes/IRF7/",
    "/genes/irf7/",
    "/genes/NOSUCHGENE/",
    "/genes/SHARED1/",
    "/sitemap.xml",
    "/sitemap-genes.xml",
]


def shared_alias():
    for symbol in ("IRF7", "IFNA7"):
        Gene.objects.get(symbol=symbol).add_name("SHARED1", GeneName.Kind.ALIAS)


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_readers_get_no_cookie_and_no_vary_on_cookie(client, path):
    load_demo()
    shared_alias()

    for _ in range(2):  # the first rendering and the cached page alike
        response = client.get(path)
        assert response.status_code in (200, 300, 301, 404)
        assert response.cookies == {}
        assert "Set-Cookie" not in response.headers
        assert "Cookie" not in response.get("Vary", "")


def test_reference_page_sets_no_cookie(client):
    load_demo()
    reference = Reference.objects.get(pmid=9822609)

    response = client.get(f"/references/{reference.pk}/")

    assert response.status_code == 200
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("path", ["/", "/genes/IRF7/", "/search/?q=IRF7", "/genes/"])
def test_a_logged_in_curator_gets_the_same_bytes_as_anyone(client, curator, path):
    load_demo()
    anonymous = client.get(path).content

    client.force_login(curator)
    response = client.get(path)

    assert response.content == anonymous
    assert response.cookies == {}
    assert "Cookie" not in response.get("Vary", "")
