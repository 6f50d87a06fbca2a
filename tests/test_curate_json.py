"""The claim form's JSON helpers: gene search as you type, and citations' fetch state."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genes.models import GeneName
from references.models import Reference
from tests.factories import make_gene, make_reference

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, curator):
    client.force_login(curator)
    return client


def test_gene_search_matches_symbol_or_alias_prefix(logged_in, gene):
    make_gene("IRF3", name="interferon regulatory factor 3")
    ifna7 = make_gene("IFNA7", name="interferon alpha 7")
    ifna7.add_name("IFN-alphaJ", GeneName.Kind.ALIAS)
    make_gene("TP53")

    by_symbol = logged_in.get("/curate/gene-search/", {"q": "irf"}).json()
    by_alias = logged_in.get("/curate/gene-search/", {"q": "ifn-al"}).json()
    empty = logged_in.get("/curate/gene-search/", {"q": " "}).json()

    assert [g["symbol"] for g in by_symbol["genes"]] == ["IRF3", "IRF7"]
    assert by_alias["genes"] == [{"symbol": "IFNA7", "name": "interferon alpha 7"}]
    assert empty == {"genes": []}


def test_gene_search_queries_do_not_grow_with_matches(logged_in, gene):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            answer = logged_in.get("/curate/gene-search/", {"q": "IRF"}).json()
        return len(captured), len(answer["genes"])

    few, few_genes = queries()
    for n in range(30):
        make_gene(f"IRFX{n}").add_name(f"IRF-ALIAS{n}", GeneName.Kind.ALIAS)
    many, many_genes = queries()

    assert (few_genes, many_genes) == (1, 10)
    assert many == few


def test_posting_identifiers_makes_pending_references_and_reports_each(
    logged_in, sent, django_capture_on_commit_callbacks
):
    known = make_reference(
        pmid=9822609,
        title="Differential viral induction",
        authors=[{"family": "Au", "initials": "WC"}, {"collective": "The TAX 325 group"}],
        journal_abbrev="J Virol",
        year=1998,
    )

    with django_capture_on_commit_callbacks(execute=True):
        answer = logged_in.post(
            "/curate/citation-state/", {"identifiers": "PMID: 9822609, 10.1000/NEW banana"}
        ).json()

    new = Reference.objects.get(doi="10.1000/new")
    assert answer["citations"][0] == {
        "identifier": "PMID:9822609",
        "id": known.pk,
        "state": "fetched",
        "state_label": "fetched",
        "resolved": True,
        "title": "Differential viral induction",
        "authors": "Au WC, The TAX 325 group",
        "journal": "J Virol",
        "year": 1998,
        "retracted": False,
        "error": "",
    }
    assert answer["citations"][1]["id"] == new.pk
    assert (answer["citations"][1]["state"], answer["citations"][1]["state_label"]) == (
        "pending",
        "fetching",
    )
    assert answer["citations"][2]["state"] == "invalid"
    assert "'banana' is not a PMID" in answer["citations"][2]["error"]
    assert sent == [[new.pk]]


def test_polling_reports_fetch_state_without_creating_anything(logged_in):
    pending = make_reference(pmid=111, fetch_status="pending", title="")
    failed = make_reference(pmid=222, fetch_status="failed", title="", fetch_error="HTTP 503")

    answer = logged_in.get("/curate/citation-state/", {"ids": f"{pending.pk},{failed.pk},999"})

    rows = answer.json()["citations"]
    assert [(r["identifier"], r["state"], r["error"]) for r in rows] == [
        ("PMID:111", "pending", ""),
        ("PMID:222", "failed", "HTTP 503"),
    ]
    assert Reference.objects.count() == 2


def test_json_helpers_are_for_curators_only(client, outsider):
    client.force_login(outsider)

    assert client.get("/curate/gene-search/", {"q": "IRF"}).status_code == 403
    assert client.post("/curate/citation-state/", {"identifiers": "123"}).status_code == 403
    assert not Reference.objects.exists()
