"""The curator's home, a claim's page and the review queue: content and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    make_approved_claim,
    make_claim,
    make_gene,
    make_reference,
    make_submitted_claim,
    make_user,
)

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def make_claims(n, author, reviewer, gene=None):
    """n claims by `author` in every state, each citing two references."""
    for i in range(n):
        refs = [make_reference(), make_reference(abstract="An abstract.")]
        kind = i % 4
        if kind == 0:
            make_claim(author, gene=gene or make_gene(), references=refs)
        elif kind == 1:
            make_submitted_claim(author, gene=gene or make_gene(), references=refs)
        elif kind == 2:
            make_approved_claim(author, reviewer, gene=gene or make_gene(), references=refs)
        else:
            claim = make_submitted_claim(author, gene=gene or make_gene(), references=refs)
            claim.request_changes(reviewer, "Say more.")


# Home


def test_home_groups_my_claims_and_shows_what_needs_attention(client, curator, reviewer, gene):
    draft = make_claim(curator, gene=gene, text="A draft.")
    sent_back = make_submitted_claim(curator, gene=gene, text="Sent back.")
    sent_back.request_changes(reviewer, "Cite a human study.")
    flagged = make_approved_claim(curator, reviewer, gene=gene, text="Flagged one.")
    flagged.flag("cites_retracted", "PMID 1 was retracted.")
    make_claim(make_user("someone", "curators"), gene=gene, text="Not mine.")
    not_found = make_reference(pmid=404, fetch_status="not_found", title="")
    bad_citation = make_claim(
        curator, gene=gene, text="Cites a missing PMID.", references=[not_found]
    )
    client.force_login(curator)

    response = client.get("/curate/")

    assert response.status_code == 200
    groups = {
        label: [c.pk for c in claims] for _, label, _, claims in response.context["by_status"]
    }
    assert groups == {
        "draft": [bad_citation.pk, draft.pk],
        "changes requested": [sent_back.pk],
        "approved": [flagged.pk],
    }
    assert {c.pk for c in response.context["attention"]} == {
        sent_back.pk,
        flagged.pk,
        bad_citation.pk,
    }
    assert "1 citation retracted or not fetched" in response.text
    decisions = [(e.claim_id, e.action) for e in response.context["decisions"]]
    assert decisions == [(flagged.pk, "approve"), (sent_back.pk, "request_changes")]
    assert "Cite a human study." in response.text
    assert "Not mine." not in response.text
    assert response.context["awaiting"] is None


def test_home_tells_a_reviewer_how_many_claims_await_them(client, curator, reviewer, gene):
    make_submitted_claim(curator, gene=gene)
    make_submitted_claim(reviewer, gene=gene)
    client.force_login(reviewer)

    response = client.get("/curate/")

    assert response.context["awaiting"] == 1
    assert "1 claim by others awaits review" in response.text


def test_home_queries_do_not_grow_with_claims(client, curator, reviewer):
    client.force_login(curator)
    make_claims(4, curator, reviewer)
    few, _ = queries_for(client, "/curate/")

    make_claims(20, curator, reviewer)
    many, response = queries_for(client, "/curate/")

    assert sum(count for _, _, count, _ in response.context["by_status"]) == 24
    assert many == few


def test_home_shows_the_latest_of_each_status_and_links_to_all_of_them(
    client, curator, reviewer, gene, monkeypatch
):
    monkeypatch.setattr("curation.curate_views.HOME_ROWS", 2)
    monkeypatch.setattr("curation.curate_views.MY_CLAIMS_PAGE_SIZE", 2)
    drafts = [make_claim(curator, gene=gene, text=f"Draft {n}.") for n in range(3)]
    approved = make_approved_claim(curator, reviewer, gene=gene, text="The approved one.")
    client.force_login(curator)

    home = client.get("/curate/")

    shown = {status: (count, [c.pk for c in claims]) for status, _, count, claims in home.context["by_status"]}  # fmt: skip
    assert shown == {
        "draft": (3, [drafts[2].pk, drafts[1].pk]),
        "approved": (1, [approved.pk]),
    }
    assert "Draft 0." not in home.text
    assert 'href="?status=draft"' in home.text and "All 3 draft claims" in home.text
    assert "All 1 approved" not in home.text

    first, second = client.get("/curate/?status=draft"), client.get("/curate/?status=draft&page=2")

    assert [c.pk for c in first.context["page"]] == [drafts[2].pk, drafts[1].pk]
    assert [c.pk for c in second.context["page"]] == [drafts[0].pk]
    assert "My draft claims (3)" in first.text and "page 2 of 2" in second.text
    assert client.get("/curate/?status=nonsense").status_code == 404


def test_home_caps_what_needs_attention_and_says_how_much_there_is(
    client, curator, reviewer, gene, monkeypatch
):
    monkeypatch.setattr("curation.curate_views.ATTENTION_ROWS", 2)
    for n in range(3):
        make_approved_claim(curator, reviewer, gene=gene, text=f"Flagged {n}.").flag(
            "cites_retracted", "PMID 1 was retracted."
        )
    client.force_login(curator)

    response = client.get("/curate/")

    assert len(response.context["attention"]) == 2
    assert response.context["attention_count"] == 3
    assert "The 2 latest of 3." in response.text


def test_a_status_page_lists_only_my_claims(client, curator, other_curator, gene):
    mine = make_claim(curator, gene=gene, text="Mine.")
    make_claim(other_curator, gene=gene, text="Theirs.")
    client.force_login(curator)

    response = client.get("/curate/?status=draft")

    assert [c.pk for c in response.context["page"]] == [mine.pk]
    assert "Theirs." not in response.text


# A claim's page


def test_claim_page_shows_text_citations_abstracts_history_and_actions(
    client, curator, reviewer, gene
):
    paper = make_reference(
        pmid=9822609,
        title="Differential viral induction of distinct interferon-alpha genes",
        authors=[{"family": "Au", "given": "W C", "initials": "WC"}],
        journal_abbrev="J Virol",
        year=1998,
        abstract="Interferon regulatory factors 3 and 7 ...",
    )
    claim = make_submitted_claim(curator, gene=gene, text="IRF7 induces IFNA7.", references=[paper])
    client.force_login(reviewer)

    response = client.get(claim.get_absolute_url())

    assert response.status_code == 200
    text = response.text
    assert "IRF7 induces IFNA7." in text
    assert "Au WC" in text
    assert "Differential viral induction" in text
    assert "Interferon regulatory factors 3 and 7" in text
    assert [label for _, label in response.context["actions"]] == [
        "Approve",
        "Request changes",
        "Reject",
    ]
    assert f'action="/curate/claims/{claim.pk}/approve/"' in text
    assert [e.action for e, _ in response.context["history"]] == ["create", "submit"]


def test_claim_page_shows_fetch_state_of_citations(client, curator, gene):
    pending = make_reference(pmid=111, fetch_status="pending", title="")
    missing = make_reference(
        pmid=222,
        fetch_status="not_found",
        title="",
        fetch_error="PubMed has no record for PMID 222.",
    )
    claim = make_claim(curator, gene=gene, references=[pending, missing])
    client.force_login(curator)

    response = client.get(claim.get_absolute_url())

    assert "fetching…" in response.text
    assert "not found</em>: PubMed has no record for PMID 222." in response.text


def test_history_shows_the_diff_of_each_edit(client, curator, gene):
    claim = make_claim(curator, gene=gene, text="IRF7 is a factor.")
    claim.edit(curator, version=1, text="IRF7 is a transcription factor.", organism="Mus musculus")
    client.force_login(curator)

    response = client.get(claim.get_absolute_url())

    (_, first), (_, second) = response.context["history"]
    assert first is None
    assert ("ins", "transcription ") in second.text
    assert ("organism", "—", "Mus musculus") in second.fields
    assert "<ins>transcription </ins>" in response.text


def test_a_curator_may_not_see_someone_elses_draft(client, curator, other_curator, gene):
    theirs = make_claim(other_curator, gene=gene)
    client.force_login(curator)

    assert client.get(theirs.get_absolute_url()).status_code == 404


def test_claim_page_queries_do_not_grow_with_citations_and_history(client, curator, reviewer, gene):
    small = make_submitted_claim(curator, gene=gene, references=[make_reference()])
    big = make_claim(curator, gene=gene, references=[make_reference() for _ in range(12)])
    for version in range(1, 10):
        big.edit(curator, version=version, text=f"Version {version}.")
    big.submit(curator)
    client.force_login(reviewer)

    few, _ = queries_for(client, small.get_absolute_url())
    many, response = queries_for(client, big.get_absolute_url())

    assert len(response.context["citations"]) == 12
    assert many == few


def test_revision_page_queries_are_bounded(
    client, curator, reviewer, gene, django_assert_max_num_queries
):
    approved = make_approved_claim(curator, reviewer, gene=gene)
    revision = approved.revise(curator)
    client.force_login(curator)

    with django_assert_max_num_queries(16):
        response = client.get(revision.get_absolute_url())

    assert response.status_code == 200


# The review queue


def test_queue_lists_others_submitted_claims_oldest_first(
    client, curator, other_curator, reviewer, gene
):
    first = make_submitted_claim(curator, gene=gene)
    second = make_submitted_claim(other_curator, gene=gene)
    make_submitted_claim(reviewer, gene=gene)  # the reviewer's own: not theirs to decide
    make_claim(curator, gene=gene)
    client.force_login(reviewer)

    response = client.get("/curate/review/")

    assert [c.pk for c in response.context["page"]] == [first.pk, second.pk]


def test_queue_filters_by_gene_section_and_author(client, curator, other_curator, reviewer, gene):
    tp53 = make_gene("TP53")
    irf7_function = make_submitted_claim(curator, gene=gene, section="function")
    make_submitted_claim(curator, gene=gene, section="summary")
    make_submitted_claim(other_curator, gene=gene, section="function")
    make_submitted_claim(curator, gene=tp53, section="function")
    client.force_login(reviewer)

    response = client.get(
        "/curate/review/", {"gene": "irf7", "section": "function", "author": "carla"}
    )

    assert [c.pk for c in response.context["page"]] == [irf7_function.pk]


def test_queue_marks_claims_with_flags_or_problem_citations(client, curator, reviewer, gene):
    fine = make_submitted_claim(curator, gene=gene)
    unresolved = make_submitted_claim(
        curator, gene=gene, references=[make_reference(fetch_status="pending"), make_reference()]
    )
    retracted = make_submitted_claim(
        curator, gene=gene, references=[make_reference(retracted=True)]
    )
    client.force_login(reviewer)

    response = client.get("/curate/review/")

    rows = {c.pk: c for c in response.context["page"]}
    assert (rows[fine.pk].unresolved, rows[fine.pk].retracted) == (0, 0)
    assert (rows[unresolved.pk].unresolved, rows[unresolved.pk].citation_count) == (1, 2)
    assert rows[retracted.pk].retracted == 1
    assert "1 unresolved" in response.text
    assert "1 retracted" in response.text
    assert response.text.count('class="flagged"') == 2


def test_queue_queries_do_not_grow_with_claims(client, curator, reviewer):
    client.force_login(reviewer)
    make_claims(4, curator, reviewer)
    few, _ = queries_for(client, "/curate/review/")

    make_claims(24, curator, reviewer)
    many, response = queries_for(client, "/curate/review/")

    assert len(response.context["page"]) == 7
    assert many == few


def test_queue_is_paginated(client, curator, reviewer, gene, monkeypatch):
    monkeypatch.setattr("curation.curate_views.QUEUE_PAGE_SIZE", 2)
    for _ in range(3):
        make_submitted_claim(curator, gene=gene)
    client.force_login(reviewer)

    second = client.get("/curate/review/", {"page": 2})

    assert len(second.context["page"]) == 1
    assert "page 2 of 2" in second.text
