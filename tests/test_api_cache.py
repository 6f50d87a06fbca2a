"""Anonymous API reads come from the cache, and change as soon as what they show changes."""

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache.backends import locmem
from django.core.management import call_command
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer

from curation import cache as page_cache
from curation.api.views import ClaimViewSet
from genes.esummary import parse_summary
from genes.models import Gene, GeneName
from references.models import Reference
from tests.api_helpers import api, redis_cache, unthrottled  # noqa: F401
from tests.factories import (
    make_approved_claim,
    make_claim,
    make_gene,
    make_reference,
    make_submitted_claim,
)
from tests.fault_helpers import wait_for
from tests.gene_helpers import ESUMMARY_HUMAN, GENE_INFO

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def paper(db):
    return make_reference(pmid=9822609, title="IRF-7, a new interferon regulatory factor.")


@pytest.fixture
def approved(curator, reviewer, gene, paper):
    return make_approved_claim(
        curator, reviewer, gene=gene, text="IRF7 regulates interferons.", references=[paper]
    )


def read(url, **headers):
    response = api().get(url, **headers)
    assert response.status_code == 200, response.content
    return response


def listed(url, field="id"):
    return [item[field] for item in read(url).json()["results"]]


def cached(url, django_assert_num_queries, **headers):
    """The response to a second anonymous GET of `url`, checked to touch no database."""
    first = read(url, **headers)
    with django_assert_num_queries(0):
        second = read(url, **headers)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    return second


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims/",
        "/api/v1/claims/{claim}/",
        "/api/v1/genes/",
        "/api/v1/genes/IRF7/",
        "/api/v1/genes/irf7/",
        "/api/v1/references/",
        "/api/v1/references/{reference}/",
        "/api/v1/claims/?gene=IRF7&section=summary&page_size=5",
    ],
)
def test_a_second_anonymous_read_is_served_from_the_cache_without_a_query(
    url, approved, paper, django_assert_num_queries
):
    url = url.format(claim=approved.pk, reference=paper.pk)

    response = cached(url, django_assert_num_queries)

    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] in ("public, no-cache", "no-cache, public")
    assert response["Last-Modified"]


def test_head_is_served_from_the_cache_with_the_get_validators(approved, django_assert_num_queries):
    etag = read("/api/v1/claims/")["ETag"]

    with django_assert_num_queries(0):
        head = api().head("/api/v1/claims/")

    assert (head.status_code, head["ETag"], head.content) == (200, etag, b"")


def test_an_approval_through_the_api_shows_in_the_next_anonymous_reads(
    curator, reviewer, gene, approved
):
    claim = make_submitted_claim(curator, gene=gene, text="IRF7 is a master regulator.")
    assert claim.pk not in listed("/api/v1/claims/")
    assert api().get(f"/api/v1/claims/{claim.pk}/").status_code == 404
    assert len(read("/api/v1/genes/IRF7/").json()["claims"]) == 1

    assert api(reviewer).post(f"/api/v1/claims/{claim.pk}/approve/").status_code == 200

    assert claim.pk in listed("/api/v1/claims/")
    assert read(f"/api/v1/claims/{claim.pk}/").json()["status"] == "approved"
    assert len(read("/api/v1/genes/IRF7/").json()["claims"]) == 2


def test_retiring_through_the_api_takes_the_claim_out_of_the_next_anonymous_reads(
    reviewer, approved
):
    detail = f"/api/v1/claims/{approved.pk}/"
    assert approved.pk in listed("/api/v1/claims/")
    read(detail)
    assert read("/api/v1/genes/IRF7/").json()["claims"]

    retired = api(reviewer).post(f"{detail}retire/", {"comment": "Overstated."})
    assert retired.status_code == 200

    assert approved.pk not in listed("/api/v1/claims/")
    assert api().get(detail).status_code == 404
    assert read("/api/v1/genes/IRF7/").json()["claims"] == []


def test_approving_and_retiring_through_the_model_show_in_the_next_anonymous_reads(
    curator, reviewer, gene
):
    claim = make_submitted_claim(curator, gene=gene)
    assert listed("/api/v1/claims/") == []

    claim.approve(reviewer)
    assert listed("/api/v1/claims/") == [claim.pk]
    assert read("/api/v1/genes/IRF7/").json()["claims"][0]["id"] == claim.pk

    claim.retire(reviewer, comment="Overstated.")
    assert listed("/api/v1/claims/") == []
    assert read("/api/v1/genes/IRF7/").json()["claims"] == []


def test_a_revision_replaces_the_claim_it_supersedes_in_the_next_anonymous_read(
    curator, other_curator, reviewer, approved
):
    revision = approved.revise(other_curator)
    revision.submit(other_curator)
    assert listed("/api/v1/claims/") == [approved.pk]

    revision.approve(reviewer)

    assert listed("/api/v1/claims/") == [revision.pk]


def test_a_flag_on_an_approved_claim_shows_in_the_next_anonymous_read(approved):
    assert read(f"/api/v1/claims/{approved.pk}/").json()["flags"] == []

    approved.flag("cites_retracted", "A cited paper was retracted.")

    assert read(f"/api/v1/claims/{approved.pk}/").json()["flags"] == ["cites_retracted"]


def test_a_new_reference_title_shows_in_every_list_and_detail_citing_it(approved, paper):
    urls = [
        "/api/v1/references/",
        f"/api/v1/references/{paper.pk}/",
        "/api/v1/claims/",
        f"/api/v1/claims/{approved.pk}/",
        "/api/v1/genes/IRF7/",
    ]
    before = [read(url).content for url in urls]
    assert all(b"IRF-7, a new interferon" in body for body in before)

    paper.title = "A corrected title"
    paper.save()

    for url in urls:
        body = read(url).content
        assert b"A corrected title" in body and b"IRF-7, a new interferon" not in body, url


def test_a_fetch_refresh_and_a_failed_fetch_show_in_the_next_anonymous_read(approved, paper):
    detail = f"/api/v1/references/{paper.pk}/"
    assert read(detail).json()["title"] == "IRF-7, a new interferon regulatory factor."
    claim = f"/api/v1/claims/{approved.pk}/"
    read(claim)

    assert paper.apply_pubmed({"pmid": "9822609", "title": "A title from PubMed"}) == ["title"]

    assert read(detail).json()["title"] == "A title from PubMed"
    assert read(claim).json()["citations"][0]["reference"]["title"] == "A title from PubMed"

    # Only the fetch state changes: no gene page shows it, the API does.
    Reference.objects.get(pk=paper.pk).record_fetch_failure("PubMed did not answer.")

    assert read(detail).json()["fetch_error"] == "PubMed did not answer."


def test_references_created_in_bulk_by_pubmed_fetch_show_in_the_next_anonymous_read(sent):
    assert listed("/api/v1/references/", "pmid") == []

    call_command("pubmed_fetch", "11162841", stdout=io.StringIO())

    assert listed("/api/v1/references/", "pmid") == ["11162841"]


def test_a_renamed_gene_shows_in_the_next_anonymous_reads(approved, gene):
    assert listed("/api/v1/genes/", "symbol") == ["IRF7"]
    assert listed("/api/v1/claims/", "gene") == ["IRF7"]
    read("/api/v1/genes/IRF7/")

    gene.symbol = "IRF7NEW"
    gene.save()

    assert listed("/api/v1/genes/", "symbol") == ["IRF7NEW"]
    assert listed("/api/v1/claims/", "gene") == ["IRF7NEW"]
    assert read("/api/v1/genes/IRF7NEW/").json()["symbol"] == "IRF7NEW"
    assert api().get("/api/v1/genes/IRF7/").status_code == 404


def test_a_new_alias_shows_in_the_next_anonymous_reads(approved, gene):
    assert read("/api/v1/genes/").json()["results"][0]["aliases"] == []
    assert read("/api/v1/genes/IRF7/").json()["aliases"] == []

    gene.add_name("IRF-7", GeneName.Kind.ALIAS)

    assert read("/api/v1/genes/").json()["results"][0]["aliases"] == ["IRF-7"]
    assert read("/api/v1/genes/IRF7/").json()["aliases"] == ["IRF-7"]
    assert read("/api/v1/genes/irf-7/").json()["symbol"] == "IRF7"


def test_aliases_a_gene_fetch_adds_in_bulk_show_in_the_next_anonymous_read():
    abl1 = make_gene("ABL1", ncbi_gene_id=25)
    assert read("/api/v1/genes/ABL1/").json()["aliases"] == []

    abl1.apply_summary(parse_summary(json.loads(ESUMMARY_HUMAN.read_text())["result"]["25"]))

    assert "c-ABL" in read("/api/v1/genes/ABL1/").json()["aliases"]


def test_genes_imported_in_bulk_show_in_the_next_anonymous_read():
    assert read("/api/v1/genes/").json()["count"] == 0

    call_command("genes_import_gene_info", str(GENE_INFO), verbosity=0, stdout=io.StringIO())

    assert read("/api/v1/genes/").json()["count"] == Gene.objects.count() > 0


def test_a_mentioned_gene_added_to_an_approved_claim_shows_in_the_next_anonymous_read(approved):
    assert read(f"/api/v1/claims/{approved.pk}/").json()["mentioned_genes"] == []

    approved.mentioned_genes.add(make_gene("IRF3"))

    assert read(f"/api/v1/claims/{approved.pk}/").json()["mentioned_genes"] == ["IRF3"]


def test_a_renamed_author_shows_in_the_next_anonymous_read(curator, approved):
    assert read(f"/api/v1/claims/{approved.pk}/").json()["author"] == "carla"

    curator.username = "carla.m"
    curator.save()

    assert read(f"/api/v1/claims/{approved.pk}/").json()["author"] == "carla.m"


def test_a_curators_work_on_drafts_keeps_every_cached_response(curator, gene, paper, approved):
    etag = read("/api/v1/claims/")["ETag"]

    draft = make_claim(curator, gene=gene, references=[paper])  # a new reference would show
    draft.edit(curator, version=draft.version, text="IRF7 binds DNA.")
    draft.submit(curator)
    curator.last_login = draft.updated_at
    curator.save(update_fields=["last_login"])

    assert api().get("/api/v1/claims/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_the_api_stamp_is_bumped_again_when_the_transaction_commits(
    curator, reviewer, gene, django_capture_on_commit_callbacks
):
    """A response read from data not yet committed is never served after the commit."""
    claim = make_submitted_claim(curator, gene=gene)

    with django_capture_on_commit_callbacks(execute=True):
        claim.approve(reviewer)
        during = page_cache.api_lookup("any")[0]
    after = page_cache.api_lookup("any")[0]

    assert during is not None and after > during


def test_conditional_gets_answer_304_without_a_query_until_something_changes(
    approved, reviewer, django_assert_num_queries
):
    first = read("/api/v1/claims/")
    etag, modified = first["ETag"], first["Last-Modified"]

    with django_assert_num_queries(0):
        by_etag = api().get("/api/v1/claims/", HTTP_IF_NONE_MATCH=etag)
        by_date = api().get("/api/v1/claims/", HTTP_IF_MODIFIED_SINCE=modified)
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag["ETag"] == etag and by_etag.content == b""

    approved.retire(reviewer, comment="Overstated.")

    again = api().get("/api/v1/claims/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag
    assert again.json()["results"] == []


def test_query_strings_in_any_order_share_one_cached_response(approved, django_assert_num_queries):
    first = read("/api/v1/claims/?section=summary&gene=IRF7&page_size=5")

    with django_assert_num_queries(0):
        second = read("/api/v1/claims/?page_size=5&gene=IRF7&section=summary")

    assert second["ETag"] == first["ETag"]
    assert second.json()["results"] == first.json()["results"]


def test_a_query_with_a_parameter_the_api_does_not_know_is_answered_but_not_cached(
    approved, django_assert_num_queries
):
    first = read("/api/v1/claims/?cache_buster=1")
    with django_assert_num_queries(4):  # count, claims, mentioned genes, citations
        second = read("/api/v1/claims/?cache_buster=1")

    assert second.json() == first.json()
    assert not second.has_header("ETag")


def test_indented_json_is_cached_apart_from_plain_json(approved, django_assert_num_queries):
    plain = cached("/api/v1/claims/", django_assert_num_queries)
    indented = cached("/api/v1/claims/", django_assert_num_queries, HTTP_ACCEPT="application/json; indent=2")  # fmt: skip

    assert indented.content != plain.content
    assert indented.json() == plain.json()
    assert indented["ETag"] != plain["ETag"]


def test_the_browsable_api_is_never_cached(approved, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(ClaimViewSet, "renderer_classes", [JSONRenderer, BrowsableAPIRenderer])
    read("/api/v1/claims/", HTTP_ACCEPT="application/json")

    for _ in range(2):
        html = read("/api/v1/claims/", HTTP_ACCEPT="text/html")
        assert html["Content-Type"].startswith("text/html")
        assert not html.has_header("ETag")
    with django_assert_num_queries(0):
        assert read("/api/v1/claims/", HTTP_ACCEPT="application/json")["Content-Type"] == (
            "application/json"
        )


def test_a_reviewer_never_gets_the_anonymous_body(curator, reviewer, gene, approved):
    draft = make_submitted_claim(curator, gene=gene)
    assert listed("/api/v1/claims/") == [approved.pk]

    by_token = api(reviewer).get("/api/v1/claims/")
    assert [c["id"] for c in by_token.json()["results"]] == [approved.pk, draft.pk]
    assert not by_token.has_header("ETag")
    assert "no-store" in by_token["Cache-Control"]

    by_session = api()
    by_session.force_login(reviewer)
    assert [c["id"] for c in by_session.get("/api/v1/claims/").json()["results"]] == [
        approved.pk,
        draft.pk,
    ]
    detail = by_session.get(f"/api/v1/claims/{draft.pk}/")
    assert detail.status_code == 200 and not detail.has_header("ETag")


def test_a_curator_sees_their_own_draft_after_an_anonymous_read_of_the_same_url(
    curator, gene, approved
):
    draft = make_claim(curator, gene=gene)
    read("/api/v1/claims/")

    mine = api(curator).get("/api/v1/claims/").json()["results"]

    assert [c["id"] for c in mine] == [approved.pk, draft.pk]


def test_anonymous_responses_set_no_cookie_and_vary_on_who_asks(approved):
    for _ in range(2):  # rendered, then from the cache
        response = read("/api/v1/claims/")
        assert not response.cookies
        assert not response.has_header("Set-Cookie")
        vary = {v.strip() for v in response["Vary"].split(",")}
        assert {"Accept", "Authorization", "Cookie"} <= vary


def test_a_bump_in_another_process_reaches_this_one(approved, redis_cache):  # noqa: F811
    read("/api/v1/claims/")
    wait_for(lambda: redis_cache.listening, "the stamp mirror to subscribe")
    etag = read("/api/v1/claims/")["ETag"]
    trips = redis_cache.round_trips
    assert read("/api/v1/claims/")["ETag"] == etag
    assert redis_cache.round_trips == trips  # a hit reads the stamp from the mirror

    bumper = (
        "import django; django.setup(); from curation import cache; cache.retire_api_responses()"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "curation.settings",
        "REDIS_URL": settings.CACHES["default"]["LOCATION"],
        "CACHE_KEY_PREFIX": settings.CACHES["default"]["KEY_PREFIX"],
    }
    subprocess.run([sys.executable, "-c", bumper], cwd=ROOT, env=env, check=True)

    wait_for(lambda: read("/api/v1/claims/")["ETag"] != etag, "the other process's bump")


def test_without_redis_a_change_made_in_another_process_shows_once_the_answer_expires(
    settings, monkeypatch, paper
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    monkeypatch.setattr(page_cache, "_stamp_mirror", False)  # as settings made it: no Redis
    detail = f"/api/v1/references/{paper.pk}/"
    assert read(detail).json()["title"] == "IRF-7, a new interferon regulatory factor."

    # A worker's fetch bumps the stamp in the worker's own memory, not in this process.
    Reference.objects.filter(pk=paper.pk).update(title="Fetched by a worker")
    assert read(detail).json()["title"] == "IRF-7, a new interferon regulatory factor."

    later = time.time() + page_cache.API_SECONDS + 1
    monkeypatch.setattr(locmem.time, "time", lambda: later)
    assert read(detail).json()["title"] == "Fetched by a worker"
