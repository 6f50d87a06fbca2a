"""export/claims.ndjson and export/claims.tsv: approved claims, line by line as in the database."""

import types
from datetime import timezone

import pytest
from django.urls import reverse

from curation import exports
from curation.models import Claim
from tests.api_helpers import CLAIM_FIELDS, REFERENCE_FIELDS
from tests.export_helpers import (  # noqa: F401
    ODD_TEXT,
    body,
    make_dataset,
    ndjson,
    no_throttle_left_over,
    tsv,
)
from tests.factories import make_approved_claim


@pytest.fixture
def data(curator, reviewer, gene):
    return make_dataset(curator, reviewer, gene)


def utc(moment):
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def test_claims_ndjson_has_one_line_per_approved_claim_with_the_values_in_the_database(
    client, data, reviewer
):
    response = client.get(reverse("export-claims-ndjson"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response.streaming
    lines = ndjson(body(response))
    approved = list(Claim.objects.public().order_by("id"))
    assert [line["id"] for line in lines] == [c.pk for c in approved]
    assert data["draft"].pk not in [line["id"] for line in lines]
    for line, claim in zip(lines, approved, strict=True):
        assert set(line) == set(CLAIM_FIELDS)
        assert line["gene"] == claim.gene.symbol
        assert line["text"] == claim.text
        assert line["status"] == "approved"
        assert line["version"] == claim.version
        assert line["position"] == claim.position
        assert line["section"] == claim.section
        assert line["author"] == "carla"
        assert line["reviewer"] == reviewer.username
        assert line["submitted_at"] == utc(claim.submitted_at)
        assert line["decided_at"] == utc(claim.decided_at)
        assert line["updated_at"] == utc(claim.updated_at)
        assert line["supersedes"] is None
        assert line["flags"] == []
        cited = list(claim.citations.order_by("position"))
        assert [c["reference"]["id"] for c in line["citations"]] == [c.reference_id for c in cited]
        assert [c["position"] for c in line["citations"]] == [c.position for c in cited]

    (odd,) = [line for line in lines if line["id"] == data["odd"].pk]
    assert odd["text"] == ODD_TEXT
    assert odd["evidence_type"] == "in_vivo"
    assert odd["organism"] == "Mus musculus"
    assert odd["mentioned_genes"] == ["IRF3"]
    first, second = odd["citations"]
    assert (first["stance"], first["locator"], first["quote"]) == ("supports", None, None)
    assert (second["stance"], second["locator"], second["quote"]) == (
        "background",
        "Fig. 3\tb",
        '"quoted"\n',
    )
    reference = first["reference"]
    assert set(reference) >= set(REFERENCE_FIELDS)
    assert reference["pmid"] == "15800576"
    assert reference["doi"] == "10.1038/nature03464"
    assert reference["pmcid"] is None
    assert reference["abstract"] == ODD_TEXT
    assert reference["authors"][1] == {"collective": "The IRF Consortium"}
    assert second["reference"]["pmid"] is None
    assert second["reference"]["mesh_terms"] == []
    (plain,) = [line for line in lines if line["id"] == data["plain"].pk]
    assert (plain["evidence_type"], plain["organism"], plain["mentioned_genes"]) == (None, None, [])


def test_claims_tsv_has_a_header_and_one_row_per_approved_claim_that_round_trips(client, data):
    response = client.get(reverse("export-claims-tsv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    raw = body(response)
    header, rows = tsv(raw)
    assert header == list(exports.CLAIM_COLUMNS)
    approved = list(Claim.objects.public().order_by("id"))
    assert len(rows) == len(approved)
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    odd = by_id[data["odd"].pk]
    assert odd["text"] == ODD_TEXT
    assert odd["gene"] == "IRF7"
    assert odd["ncbi_gene_id"] == "3665"
    assert odd["mentioned_genes"] == "IRF3"
    assert odd["pmids"] == "15800576"
    assert odd["reference_ids"] == f"{data['paper'].pk},{data['doi_only'].pk}"
    assert odd["updated_at"] == utc(data["odd"].updated_at)
    no_pubmed = by_id[data["no_pubmed"].pk]
    assert (no_pubmed["pmids"], no_pubmed["evidence_type"], no_pubmed["supersedes"]) == ("", "", "")
    # Escaping keeps one claim per line whatever its text holds.
    assert raw.count(b"\n") == len(approved) + 1


def test_the_exports_skip_every_claim_that_is_not_approved(client, data, curator, reviewer):
    data["plain"].retire(reviewer, comment="Outdated.")
    submitted = Claim.objects.create_draft(
        author=curator, gene=data["other_gene"], text="Submitted.", citations=[data["paper"]]
    )
    submitted.submit(curator)

    ids = {line["id"] for line in ndjson(body(client.get(reverse("export-claims-ndjson"))))}
    _, rows = tsv(body(client.get(reverse("export-claims-tsv"))))

    assert ids == {data["odd"].pk, data["no_pubmed"].pk}
    assert {int(row[0]) for row in rows} == ids


def test_an_empty_database_exports_only_the_header(client, db):
    assert body(client.get(reverse("export-claims-ndjson"))) == b""
    header = body(client.get(reverse("export-claims-tsv")))
    assert header == ("\t".join(exports.CLAIM_COLUMNS) + "\n").encode()


def test_the_export_is_a_generator_of_large_chunks_not_a_list_of_rows(data):
    chunks = exports.stream("claims.ndjson", chunk_size=1000)

    assert isinstance(chunks, types.GeneratorType)
    sizes = [len(chunk) for chunk in chunks]
    assert len(sizes) > 1
    assert all(size >= 1000 for size in sizes[:-1])


def test_the_default_path_writes_the_same_bytes_as_the_orm_path(data):
    # On PostgreSQL the default is COPY, with lines built by the database.
    for name in exports.EXPORTS:
        fast = b"".join(exports.stream(name))
        orm = b"".join(exports.stream(name, use_copy=False))
        assert fast == orm, name


def test_the_orm_path_makes_the_same_few_queries_for_one_claim_or_many(
    curator, reviewer, gene, data, django_assert_num_queries
):
    # One query for the claims and one per prefetched relation, per batch of claims.
    with django_assert_num_queries(3):
        few = b"".join(exports.stream("claims.ndjson", use_copy=False))
    for n in range(20):
        make_approved_claim(curator, reviewer, gene=gene, text=f"Claim {n}.")
    with django_assert_num_queries(3):
        many = b"".join(exports.stream("claims.ndjson", use_copy=False))
    assert many.count(b"\n") == few.count(b"\n") + 20
