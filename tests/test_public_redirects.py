"""/genes/<name>/: other names redirect to the symbol, shared names list the genes, unknown 404s."""

import pytest

from genes.models import Gene, GeneName
from tests.public_helpers import fresh_cache, load_demo, text_of  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["irf7", "Irf7", "3665"])
def test_other_case_and_gene_id_redirect_permanently_to_the_symbol(client, name):
    load_demo()

    response = client.get(f"/genes/{name}/")

    assert response.status_code == 301
    assert response["Location"] == "/genes/IRF7/"


@pytest.mark.parametrize("alias", ["IFN-ALPHAJ", "ifna-j"])
def test_alias_redirects_permanently_to_the_gene(client, alias):
    load_demo()

    response = client.get(f"/genes/{alias}/")

    assert response.status_code == 301
    assert response["Location"] == "/genes/IFNA7/"


@pytest.mark.parametrize("kind", [GeneName.Kind.PREVIOUS, GeneName.Kind.DISCONTINUED])
def test_previous_and_discontinued_symbols_redirect(client, kind):
    load_demo()
    Gene.objects.get(symbol="IRF7").add_name("OLDIRF", kind)

    response = client.get("/genes/OLDIRF/")

    assert (response.status_code, response["Location"]) == (301, "/genes/IRF7/")


def test_name_shared_by_several_genes_lists_them_with_300_multiple_choices(client):
    load_demo()
    for symbol in ("IRF7", "IFNA7"):
        Gene.objects.get(symbol=symbol).add_name("SHARED1", GeneName.Kind.ALIAS)

    response = client.get("/genes/SHARED1/")

    assert response.status_code == 300
    html = response.content.decode()
    assert '<a href="/genes/IFNA7/">' in html
    assert '<a href="/genes/IRF7/">' in html
    assert "SHARED1 names several genes" in text_of(html)
    assert '<meta name="robots" content="noindex">' in html


def test_unknown_symbol_is_404_that_suggests_close_symbols_and_aliases(client):
    load_demo()

    response = client.get("/genes/IRF77/")
    assert response.status_code == 404
    assert "Did you mean" in text_of(response.content)
    assert '<a href="/genes/IRF7/">' in response.content.decode()

    by_alias = client.get("/genes/IFNAJ/")
    assert by_alias.status_code == 404
    assert '<a href="/genes/IFNA7/">' in by_alias.content.decode()


def test_unknown_name_with_nothing_alike_is_404_with_a_search_link(client):
    load_demo()

    response = client.get("/genes/ZZZTOP/")

    assert response.status_code == 404
    assert "Did you mean" not in text_of(response.content)
    assert 'href="/search/?q=ZZZTOP"' in response.content.decode()
