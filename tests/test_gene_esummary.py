"""Filling a gene from NCBI Gene's esummary, against the local E-utilities stand-in.

NCBI is not reachable from here. The document shape is that of the recorded
2015 answer (fixtures/ncbi/esummary_gene_json_10_uids_2015.json, Nile tilapia
genes); the human records in tests/data/genes follow it. The per-UID error and
the XML error body follow /work/shared/NCBI.md and esummary_error_invalid_db.xml.
"""

import json

import pytest

from genes.esummary import parse_summary
from genes.fetching import fetch_genes
from genes.models import Gene, GeneName
from genes.tasks import fetch_genes as fetch_genes_task
from references.eutils import EutilsClient, ResponseError, TransientError
from references.standin import Standin, load_gene_summaries
from tests.eutils_helpers import NCBI_FIXTURES, CountingLimiter
from tests.factories import make_gene
from tests.gene_helpers import ESUMMARY_HUMAN

TILAPIA = load_gene_summaries(NCBI_FIXTURES)
HUMAN = json.loads(ESUMMARY_HUMAN.read_text())["result"]


@pytest.fixture
def standin():
    documents = TILAPIA + [HUMAN[uid] for uid in HUMAN["uids"]]
    server = Standin(gene_summaries=documents).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def client(standin):
    return EutilsClient(
        base_url=standin.eutils_url,
        tool="gene-curation-tests",
        email="curation@example.org",
        rate_limiter=CountingLimiter(),
        timeout=0.5,
        max_attempts=2,
        sleep=lambda seconds: None,
    )


def esummaries(standin):
    return [r for r in standin.requests if r.path.endswith("esummary.fcgi")]


def test_the_client_returns_each_ids_document_and_none_for_an_unknown_one(client, standin):
    found = client.esummary_gene(["106099058", 106098126, 999999999, 106099058])

    assert found[106099058]["name"] == "ankub1"
    assert found[106098126]["organism"]["taxid"] == 8128
    assert found[999999999] is None  # NCBI's per-UID "cannot get document summary"
    (request,) = esummaries(standin)
    assert request.method == "POST"
    assert request.params["db"] == ["gene"] and request.params["retmode"] == ["json"]
    assert request.params["id"] == ["106099058,106098126,999999999"]
    assert request.params["tool"] == ["gene-curation-tests"]


def test_more_than_200_ids_go_in_several_requests(client, standin):
    client.esummary_gene(range(1, 402))
    assert [len(r.params["id"][0].split(",")) for r in esummaries(standin)] == [200, 200, 1]


def test_an_invalid_gene_id_raises_before_any_request(client, standin):
    with pytest.raises(ValueError, match="not an NCBI Gene ID"):
        client.esummary_gene(["IRF7"])
    assert esummaries(standin) == []


def test_an_error_answer_raises_response_error_and_is_not_retried(client, standin):
    standin.fail("reply", body=(NCBI_FIXTURES / "esummary_error_invalid_db.xml").read_text())
    with pytest.raises(ResponseError, match="Invalid db name specified: fleegle"):
        client.esummary_gene([25])
    assert len(esummaries(standin)) == 1


def test_failures_that_may_pass_are_retried_then_raised_as_transient(client, standin):
    standin.fail("status", status=503, times=1)
    assert client.esummary_gene([25])[25]["name"] == "ABL1"

    standin.fail("partial", times=2)
    with pytest.raises(TransientError, match="esummary failed after 2 attempt"):
        client.esummary_gene([25])


def test_the_recorded_documents_parse_whatever_their_gaps():
    summaries = [parse_summary(document) for document in TILAPIA]
    assert [s["values"]["symbol"] for s in summaries][:3] == ["ankub1", "clg14h3orf80", "cttn"]
    first = summaries[0]
    assert first["taxid"] == 8128 and first["organism"] == "Oreochromis niloticus"
    assert first["values"]["mim_ids"] == [] and first["names"] == []
    assert first["replaced_by"] is None and not first["discontinued"]


@pytest.mark.django_db
def test_a_gene_added_by_id_is_filled_from_ncbi(client, django_assert_num_queries):
    gene, _ = Gene.objects.add_by_id(25)
    assert (gene.symbol, gene.fetch_status) == ("LOC25", "pending")

    # genes, savepoint, symbol holders, names, update, new names (all nine aliases), release
    with django_assert_num_queries(7):
        counts = fetch_genes([gene.pk], client=client)

    assert counts == {"fetched": 1}
    gene.refresh_from_db()
    assert (gene.symbol, gene.fetch_status, gene.fetch_error) == ("ABL1", "fetched", "")
    assert gene.name == "ABL proto-oncogene 1, non-receptor tyrosine kinase"
    assert (gene.location, gene.chromosome, gene.mim_ids) == ("9q34.12", "9", ["189980"])
    assert gene.description.startswith("This gene is a protooncogene")
    assert gene.description_source.startswith("NCBI Gene summary, ")
    assert "BCR-ABL" in gene.aliases
    assert gene.other_names(GeneName.Kind.PREVIOUS) == []  # the placeholder was never a name
    assert gene.fetched_at is not None


@pytest.mark.django_db
def test_what_cannot_be_filled_is_stored_on_the_gene_with_the_reason(client):
    tilapia = Gene.objects.add_by_id(106099058)[0]
    replaced = Gene.objects.add_by_id(1226)[0]
    withdrawn = Gene.objects.add_by_id(103344718)[0]
    unknown = Gene.objects.add_by_id(999999999)[0]

    counts = fetch_genes([tilapia.pk, replaced.pk, withdrawn.pk, unknown.pk], client=client)

    assert counts == {"failed": 1, "not_found": 3}
    expected = {
        tilapia: ("failed", "is a Oreochromis niloticus gene (taxon 8128)"),
        replaced: ("not_found", "NCBI replaced Gene ID 1226 by Gene ID 4625"),
        withdrawn: ("not_found", "NCBI discontinued Gene ID 103344718"),
        unknown: ("not_found", "NCBI Gene has no record with ID 999999999"),
    }
    for gene, (status, error) in expected.items():
        gene.refresh_from_db()
        assert gene.fetch_status == status
        assert error in gene.fetch_error
        assert gene.symbol == f"LOC{gene.ncbi_gene_id}"


@pytest.mark.django_db
def test_a_symbol_another_gene_holds_is_a_failure_to_resolve_by_hand(client):
    make_gene("abl1", ncbi_gene_id=888025)
    gene = Gene.objects.add_by_id(25)[0]

    fetch_genes([gene.pk], client=client)

    gene.refresh_from_db()
    assert gene.fetch_status == "failed"
    assert "Gene ID 888025 already has that symbol" in gene.fetch_error


@pytest.mark.django_db
def test_the_task_stores_a_transient_failure_and_raises_it_for_celery_to_retry(
    standin, settings, monkeypatch
):
    settings.NCBI_EUTILS_URL, settings.NCBI_ATTEMPTS = standin.eutils_url, 1
    original = EutilsClient.from_settings
    monkeypatch.setattr(
        EutilsClient, "from_settings", lambda **kw: original(rate_limiter=CountingLimiter(), **kw)
    )
    gene = Gene.objects.add_by_id(25)[0]
    standin.fail("status", status=502, times=1)

    with pytest.raises(TransientError):
        fetch_genes_task([gene.pk])
    gene.refresh_from_db()
    assert (gene.fetch_status, gene.fetch_error) == (
        "failed",
        "esummary failed after 1 attempt(s); last: HTTP 502",
    )

    assert fetch_genes_task([gene.pk]) == {"fetched": 1}
    gene.refresh_from_db()
    assert (gene.symbol, gene.fetch_status, gene.fetch_error) == ("ABL1", "fetched", "")


def test_the_task_retries_on_transient_errors_like_the_pubmed_task():
    from references.tasks import fetch_references

    assert fetch_genes_task.autoretry_for == (TransientError,)
    assert fetch_genes_task.max_retries == fetch_references.max_retries
    assert fetch_genes_task.acks_late and fetch_genes_task.reject_on_worker_lost
