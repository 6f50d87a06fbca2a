"""Exports and citation downloads: open to anyone, no cookies, throttled per address."""

import pytest
from django.urls import reverse

from tests.export_helpers import EXPORT_URLS, body, no_throttle_left_over  # noqa: F401
from tests.factories import make_reference


@pytest.mark.parametrize("name", EXPORT_URLS)
def test_anyone_may_download_an_export_and_gets_no_cookie(client, db, name):
    response = client.get(reverse(name), HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response.streaming
    assert not response.cookies
    assert f'filename="{reverse(name).rsplit("/", 1)[1]}"' in response["Content-Disposition"]


def test_a_logged_in_curator_gets_the_same_public_export(client, curator):
    client.force_login(curator)

    response = client.get(reverse("export-claims-tsv"))

    assert response.status_code == 200
    assert body(response).startswith(b"id\tgene\t")


def test_each_address_has_its_own_allowance_of_exports(client, db, settings):
    settings.EXPORT_THROTTLE_RATES = {**settings.EXPORT_THROTTLE_RATES, "export": "2/hour"}
    url = reverse("export-claims-ndjson")

    first = [client.get(url, REMOTE_ADDR="192.0.2.1").status_code for _ in range(2)]
    refused = client.get(url, REMOTE_ADDR="192.0.2.1")
    other = client.get(url, REMOTE_ADDR="192.0.2.2")

    assert first == [200, 200]
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert "throttled" in refused.json()["detail"]
    assert "Retry-After" in refused
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [
        ("bib", "application/x-bibtex; charset=utf-8", b"@article{Honda2005_15800576,"),
        ("ris", "application/x-research-info-systems; charset=utf-8", b"TY  - JOUR\r\n"),
        ("csl.json", "application/vnd.citationstyles.csl+json; charset=utf-8", b"[\n  {"),
    ],
)
def test_a_reference_downloads_in_each_citation_format(client, db, fmt, content_type, start):
    reference = make_reference(
        pmid=15800576, title="IRF-7", authors=[{"family": "Honda", "given": "Kenya"}], year=2005
    )

    response = client.get(reverse("reference-citation", kwargs={"pk": reference.pk, "fmt": fmt}))

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(start)
    assert not response.cookies


def test_the_citation_url_has_the_format_as_its_extension(db):
    assert reverse("reference-citation", kwargs={"pk": 7, "fmt": "csl.json"}) == (
        "/api/v1/export/references/7.csl.json"
    )


def test_an_unknown_reference_or_format_is_404(client, db):
    missing = client.get(reverse("reference-citation", kwargs={"pk": 404, "fmt": "bib"}))
    other_format = client.get("/api/v1/export/references/1.docx")

    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert other_format.status_code == 404
