"""The whole review cycle in headless Chromium: a curator writes and submits a claim, a
reviewer sends it back, the curator fixes and resubmits it, the reviewer approves it.

The citation's metadata comes from the E-utilities stand-in. No Celery worker runs
here: the fetch task's .delay() is recorded (the `sent` fixture) and the test runs
the fetch itself with references.fetching.fetch_references, the one domain call
the task makes. That keeps the "fetching…" state on screen until the test moves
on, so the page is seen changing from it to the metadata, with no timing games.
(The task and a real worker are tested end to end in test_worker_end_to_end.py.)
"""

import importlib

import pytest
from django.apps import apps

from curation.models import Claim, Status
from references.eutils import EutilsClient
from references.fetching import fetch_references
from tests.eutils_helpers import CountingLimiter, running_standin
from tests.factories import make_gene, make_user

PMID = 27797938  # in ../shared/fixtures/pubmed, served by the stand-in
TITLE = "Leucocyte telomere length, genetic variants at the TERT gene region"


@pytest.fixture
def groups():
    # A transactional test starts from a flushed database: create the groups the migration makes.
    importlib.import_module("curation.migrations.0002_groups").create_groups(apps, None)


def log_in(page, live_server, username):
    page.goto(live_server.url + "/curate/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-" + username)
    page.click("button:has-text('Log in')")
    page.wait_for_url(live_server.url + "/curate/")


def status_of(page):
    return page.locator("#claim-status").inner_text()


@pytest.mark.django_db(transaction=True)
def test_curator_and_reviewer_take_a_claim_from_draft_to_the_public_page(
    live_server, browser, page, screenshots, groups, sent
):
    make_gene("IRF7", ncbi_gene_id=3665, name="interferon regulatory factor 7")
    make_user("carla", "curators", email="carla@example.org")
    make_user("rita", "reviewers")
    curator = page

    # The curator logs in and writes a claim citing a PMID.
    log_in(curator, live_server, "carla")
    screenshots(curator, "01-curator-home")
    curator.click("text=New claim")
    curator.fill("#id_gene", "irf")
    curator.locator("#gene-options option[value=IRF7]").wait_for(state="attached")
    curator.fill("#id_gene", "IRF7")
    curator.select_option("#id_section", "function")
    curator.fill("#id_text", "IRF7 is induced by viral infection.")
    curator.fill("#id_citations", f"PMID: {PMID}")
    curator.click("#look-up")
    curator.locator("#citation-states li[data-state=pending]").wait_for()
    assert "fetching" in curator.locator("#citation-states").inner_text()
    screenshots(curator, "02-citation-fetching")

    # The fetch the form queued runs (here, in the test), and the metadata appears.
    (ids,) = sent
    with running_standin() as standin:
        client = EutilsClient(
            base_url=standin.eutils_url, tool="tests", rate_limiter=CountingLimiter()
        )
        assert fetch_references(ids, client=client) == {"fetched": 1}
    curator.locator("#citation-states li[data-state=fetched]").wait_for()
    assert TITLE in curator.locator("#citation-states").inner_text()
    screenshots(curator, "03-citation-metadata")

    curator.click("button:has-text('Save draft')")
    curator.wait_for_url("**/curate/claims/*/")
    assert status_of(curator) == "draft"
    assert TITLE in curator.locator("#citations").inner_text()
    curator.click("#action-submit button")
    curator.locator(".messages").wait_for()
    assert status_of(curator) == "submitted"
    claim_url = curator.url
    screenshots(curator, "04-submitted")

    # A reviewer, in another browser context, finds it in the queue and asks for changes.
    reviewer_context = browser.new_context()
    reviewer = reviewer_context.new_page()
    reviewer.set_default_timeout(15_000)
    log_in(reviewer, live_server, "rita")
    reviewer.click("text=Review queue")
    reviewer.click("#queue a:has-text('#')")
    assert "Abstract" in reviewer.locator("#citations").inner_text()
    reviewer.fill("#action-request_changes textarea[name=comment]", "Say which cells.")
    reviewer.click("#action-request_changes button")
    reviewer.locator(".messages").wait_for()
    assert status_of(reviewer) == "changes requested"
    screenshots(reviewer, "05-changes-requested")

    # The curator sees the request, edits and resubmits.
    curator.goto(live_server.url + "/curate/")
    assert "Say which cells." in curator.locator("#decisions").inner_text()
    curator.goto(claim_url)
    curator.click("#edit-link")
    curator.fill("#id_text", "IRF7 is induced by viral infection in fibroblasts.")
    curator.click("button:has-text('Save draft')")
    curator.wait_for_url(claim_url)
    curator.click("#action-submit button")
    curator.locator(".messages").wait_for()
    assert status_of(curator) == "submitted"
    assert "in fibroblasts." in curator.locator("#history ins").first.inner_text()
    screenshots(curator, "06-resubmitted")

    # The reviewer approves.
    reviewer.goto(claim_url)
    reviewer.click("#action-approve button")
    reviewer.locator(".messages").wait_for()
    assert status_of(reviewer) == "approved"
    screenshots(reviewer, "07-approved")
    reviewer_context.close()

    claim = Claim.objects.get()
    assert claim.status == Status.APPROVED
    assert [e.action for e in claim.events.order_by("created_at", "id")] == [
        "create",
        "submit",
        "request_changes",
        "edit",
        "submit",
        "approve",
    ]

    # The public gene page shows it, to anyone.
    public = browser.new_context().new_page()
    public.goto(live_server.url + "/genes/IRF7/")
    assert "IRF7 is induced by viral infection in fibroblasts." in public.content()
    screenshots(public, "08-public-gene-page")
    public.context.close()
