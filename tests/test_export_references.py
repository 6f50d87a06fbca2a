"""export/references.ndjson: every reference an approved claim cites, once, as in the database."""

from django.urls import reverse

from tests.api_helpers import REFERENCE_FIELDS
from tests.export_helpers import ODD_TEXT, body, make_dataset, ndjson, no_throttle_left_over  # noqa: F401
from tests.factories import make_claim, make_reference


def test_references_ndjson_has_each_reference_cited_by_an_approved_claim_once(
    client, curator, reviewer, gene
):
    data = make_dataset(curator, reviewer, gene)
    make_reference(pmid=999)  # cited by nobody
    make_claim(curator, gene=gene, references=[make_reference(pmid=998)])  # a draft cites it

    response = client.get(reverse("export-references-ndjson"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = ndjson(body(response))
    assert [r["id"] for r in lines] == [data["paper"].pk, data["doi_only"].pk, data["database"].pk]
    for line in lines:
        assert set(line) >= set(REFERENCE_FIELDS)
    paper, doi_only, database = lines
    stored = data["paper"]
    assert paper["pmid"] == "15800576"
    assert paper["title"] == stored.title
    assert paper["abstract"] == ODD_TEXT
    assert paper["abstract_sections"] == stored.abstract_sections
    assert paper["authors"] == stored.authors
    assert (paper["year"], paper["published"], paper["pages"]) == (2005, "2005-04-07", "772-777")
    assert (paper["retracted"], paper["fetch_status"], paper["fetch_error"]) == (
        False,
        "fetched",
        None,
    )
    assert paper["publication_types"] == []
    assert (doi_only["pmid"], doi_only["doi"], doi_only["url"]) == (None, "10.5555/no.pubmed", None)
    assert (database["kind"], database["url"], database["title"]) == (
        "database",
        "https://www.ncbi.nlm.nih.gov/gene/3665",
        data["database"].title,
    )
