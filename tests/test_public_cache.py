"""Cached gene pages change as soon as what they show changes; conditional GET answers 304."""

import json
from pathlib import Path

import pytest

from curation import cache as page_cache
from genes.esummary import parse_summary
from genes.models import Gene, GeneName
from references.models import Reference, title_key
from tests.factories import make_approved_claim, make_gene, make_submitted_claim
from tests.gene_helpers import ESUMMARY_HUMAN
from tests.public_helpers import fresh_cache, load_demo, text_of  # noqa: F401

pytestmark = pytest.mark.django_db


def page(client, symbol="IRF7"):
    response = client.get(f"/genes/{symbol}/")
    assert response.status_code == 200
    return text_of(response.content)


def test_an_approval_shows_at_once_on_a_cached_page(client, curator, reviewer):
    load_demo()
    irf7 = Gene.objects.get(symbol="IRF7")
    claim = make_submitted_claim(curator, gene=irf7, text="IRF7 is a master regulator.")
    assert "master regulator" not in page(client)
    assert "master regulator" not in page(client)  # now served from the cache

    claim.approve(reviewer)

    assert "IRF7 is a master regulator.[7]" in page(client)


def test_a_retired_claim_leaves_the_cached_page_at_once(client, curator, reviewer):
    load_demo()
    irf7 = Gene.objects.get(symbol="IRF7")
    claim = make_approved_claim(curator, reviewer, gene=irf7, text="IRF7 is a master regulator.")
    assert "master regulator" in page(client)

    claim.retire(reviewer, comment="Overstated.")

    assert "master regulator" not in page(client)


def test_a_superseded_claim_is_replaced_by_its_revision_at_once(
    client, curator, other_curator, reviewer
):
    load_demo()
    irf7 = Gene.objects.get(symbol="IRF7")
    claim = make_approved_claim(curator, reviewer, gene=irf7, text="IRF7 is a master regulator.")
    revision = claim.revise(other_curator)
    revision.edit(other_curator, version=revision.version, text="IRF7 is a key regulator.")
    revision.submit(other_curator)
    assert "master regulator" in page(client)

    revision.approve(reviewer)

    text = page(client)
    assert "master regulator" not in text
    assert "IRF7 is a key regulator." in text


def test_a_change_to_a_cited_reference_shows_at_once(client):
    load_demo()
    assert "Differential viral induction" in page(client)
    marie = Reference.objects.get(pmid=9822609)

    marie.title = "A corrected title"
    marie.retracted = True
    marie.save()

    text = page(client)
    assert '"A corrected title"' in text
    assert "Retracted." in text


def test_approval_on_another_gene_keeps_the_cached_page_unless_it_mentions_this_one(
    client, curator, reviewer
):
    load_demo()
    irf7, ifna7 = Gene.objects.get(symbol="IRF7"), Gene.objects.get(symbol="IFNA7")
    etag = client.get("/genes/IRF7/")["ETag"]

    make_approved_claim(curator, reviewer, gene=ifna7, text="IFNA7 is secreted.")
    assert client.get("/genes/IRF7/")["ETag"] == etag

    make_approved_claim(
        curator,
        reviewer,
        gene=make_gene("OTHER1"),
        text="OTHER1 binds IRF7.",
        mentioned_genes=[irf7],
    )
    assert client.get("/genes/IRF7/")["ETag"] != etag
    assert '<a href="/genes/OTHER1/">OTHER1</a>' in client.get("/genes/IRF7/").content.decode()


def test_flagging_an_approved_claim_keeps_the_cached_page(client, curator, reviewer):
    load_demo()
    claim = make_approved_claim(curator, reviewer, gene=Gene.objects.get(symbol="IRF7"))
    etag = client.get("/genes/IRF7/")["ETag"]

    claim.flag("cites_retracted", "A cited paper was retracted.")

    assert client.get("/genes/IRF7/", headers={"If-None-Match": etag}).status_code == 304


def test_a_failed_fetch_keeps_every_cached_page(client):
    load_demo()
    etag = client.get("/genes/IRF7/")["ETag"]

    Gene.objects.get(symbol="IRF7").record_fetch_failure("NCBI did not answer.")
    Reference.objects.get(pmid=9822609).record_fetch_failure("PubMed did not answer.")

    assert client.get("/genes/IRF7/", headers={"If-None-Match": etag}).status_code == 304


def test_a_refresh_that_finds_nothing_new_keeps_every_cached_page(client):
    load_demo()
    marie = Reference.objects.get(pmid=9822609)
    etag = client.get("/genes/IRF7/")["ETag"]

    assert marie.apply_pubmed({"pmid": "9822609", "title": marie.title}) == []

    assert client.get("/genes/IRF7/", headers={"If-None-Match": etag}).status_code == 304
    marie.refresh_from_db()
    assert marie.fetch_status == Reference.FetchStatus.FETCHED


def test_a_refresh_that_finds_a_new_title_shows_it_with_its_sort_key(client):
    load_demo()
    marie = Reference.objects.get(pmid=9822609)
    page(client)

    assert marie.apply_pubmed({"pmid": "9822609", "title": "A corrected title"}) == ["title"]

    assert '"A corrected title"' in page(client)
    assert Reference.objects.get(pk=marie.pk).title_key == title_key("A corrected title")


def test_a_gene_refresh_that_finds_nothing_new_keeps_every_cached_page(client):
    load_demo()
    abl1 = make_gene("ABL1", ncbi_gene_id=25)
    summary = parse_summary(json.loads(ESUMMARY_HUMAN.read_text())["result"]["25"])
    abl1.apply_summary(summary)
    etag = client.get("/genes/IRF7/")["ETag"]
    abl1_etag = client.get("/genes/ABL1/")["ETag"]

    Gene.objects.get(pk=abl1.pk).apply_summary(summary)

    assert client.get("/genes/IRF7/", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/genes/ABL1/", headers={"If-None-Match": abl1_etag}).status_code == 304
    assert Gene.objects.get(pk=abl1.pk).name == summary["values"]["name"]


def test_a_renamed_gene_old_symbol_redirects_despite_the_cached_page(client):
    load_demo()
    page(client)
    irf7 = Gene.objects.get(symbol="IRF7")

    irf7.symbol = "IRF7NEW"
    irf7.save()
    irf7.add_name("IRF7", GeneName.Kind.PREVIOUS)

    response = client.get("/genes/IRF7/")
    assert (response.status_code, response["Location"]) == (301, "/genes/IRF7NEW/")
    assert "IRF7NEW" in page(client, "IRF7NEW")


def test_stamps_are_bumped_again_when_the_transaction_commits(
    client, curator, reviewer, django_capture_on_commit_callbacks
):
    """A page rendered from data not yet committed is never served after the commit."""
    load_demo()
    page(client)
    claim = make_submitted_claim(curator, gene=Gene.objects.get(symbol="IRF7"))

    with django_capture_on_commit_callbacks(execute=True):
        claim.approve(reviewer)
        during = page_cache.current_stamp("IRF7")
    after = page_cache.current_stamp("IRF7")

    assert during is not None and after is not None
    assert after.gene > during.gene


def test_etag_and_last_modified_give_304_without_touching_the_database(
    client, django_assert_num_queries
):
    load_demo()
    first = client.get("/genes/IRF7/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert first["Cache-Control"] in ("no-cache, public", "public, no-cache")

    with django_assert_num_queries(0):
        by_etag = client.get("/genes/IRF7/", headers={"If-None-Match": etag})
        by_date = client.get("/genes/IRF7/", headers={"If-Modified-Since": modified})

    for response in (by_etag, by_date):
        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
    assert client.get("/genes/IRF7/", headers={"If-None-Match": '"other"'}).status_code == 200


def test_an_approval_changes_the_etag(client, curator, reviewer):
    load_demo()
    etag = client.get("/genes/IRF7/")["ETag"]
    claim = make_submitted_claim(curator, gene=Gene.objects.get(symbol="IRF7"))

    claim.approve(reviewer)

    response = client.get("/genes/IRF7/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_each_site_address_gets_its_own_cached_page(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "genes.example.org"]
    load_demo()

    one = client.get("/genes/IRF7/", headers={"Host": "genes.example.org"}).content.decode()
    other = client.get("/genes/IRF7/").content.decode()

    assert "http://genes.example.org/genes/IRF7/" in one
    assert "http://testserver/genes/IRF7/" in other
    assert "genes.example.org" not in other


def test_a_bulk_gene_import_shows_at_once_on_cached_pages(client, tmp_path):
    from django.core.management import call_command

    load_demo()
    assert "IRF7" in page(client)
    header = (
        (Path(__file__).parent / "data/genes/gene_info.tsv").read_bytes().splitlines()[0].decode()
    )
    row = [
        "9606", "3665", "IRF7", "-", "IRF-7|IRF7A", "HGNC:HGNC:6122", "11", "11p15.5",
        "interferon regulatory factor seven", "protein-coding", "IRF7",
        "interferon regulatory factor seven", "O", "-", "20260101", "-",
    ]  # fmt: skip
    (tmp_path / "gene_info.tsv").write_text(header + "\n" + "\t".join(row) + "\n")

    call_command("genes_import_gene_info", str(tmp_path / "gene_info.tsv"), verbosity=0)

    assert "interferon regulatory factor seven" in page(client)
