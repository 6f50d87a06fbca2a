"""Writing through the API: drafts, edits and every workflow step, under the screens' rules."""

import pytest
from rest_framework.test import APIClient

from curation.models import Claim, ReviewEvent, Status
from genes.models import GeneName
from references.models import Reference
from tests.api_helpers import api, error, unthrottled  # noqa: F401
from tests.factories import (
    make_approved_claim,
    make_claim,
    make_gene,
    make_reference,
    make_submitted_claim,
)

pytestmark = pytest.mark.usefixtures("unthrottled")


def test_a_curator_creates_a_draft_citing_known_and_new_works_by_any_identifier(
    curator, gene, sent, django_capture_on_commit_callbacks
):
    gene.add_name("IFNA-J", GeneName.Kind.ALIAS)
    stat1 = make_gene("STAT1")
    known = make_reference(pmid=9822609)
    body = {
        "gene": "ifna-j",
        "text": "  IRF7 is the master regulator of type I interferon responses.  ",
        "section": "function",
        "evidence_type": "in_vivo",
        "organism": "Mus musculus",
        "mentioned_genes": ["stat1"],
        "comment": "From the 2005 Nature paper.",
        "references": [
            {"pmid": "PMID: 9822609", "stance": "supports", "locator": "Fig. 2"},
            {"doi": "https://doi.org/10.1038/NATURE03464", "quote": "IRF-7 is the master"},
            {"pmcid": "pmc1171011", "stance": "background"},
            {"url": "https://www.ncbi.nlm.nih.gov/gene/3665", "title": "Entrez Gene: IRF7"},
        ],
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = api(curator).post("/api/v1/claims/", body)

    assert response.status_code == 201, response.content
    data = response.json()
    claim = Claim.objects.get(pk=data["id"])
    assert claim.status == Status.DRAFT
    assert claim.author == curator
    assert claim.gene == gene
    assert claim.text == "IRF7 is the master regulator of type I interferon responses."
    assert claim.section == "function"
    assert list(claim.mentioned_genes.all()) == [stat1]
    assert data["gene"] == "IRF7"
    assert data["version"] == 1
    assert data["mentioned_genes"] == ["STAT1"]
    citations = data["citations"]
    assert [c["reference"]["id"] for c in citations][0] == known.pk
    assert [c["stance"] for c in citations] == ["supports", "supports", "background", "supports"]
    assert citations[0]["locator"] == "Fig. 2"
    assert citations[1]["quote"] == "IRF-7 is the master"
    assert citations[1]["reference"]["doi"] == "10.1038/nature03464"
    assert citations[2]["reference"]["pmcid"] == "PMC1171011"
    web = Reference.objects.get(url="https://www.ncbi.nlm.nih.gov/gene/3665")
    assert (web.kind, web.title, web.manual_metadata) == ("web", "Entrez Gene: IRF7", True)
    new = [c["reference"]["id"] for c in citations[1:3]]
    assert sent == [new]  # the new works are fetched from PubMed once the draft is stored
    event = ReviewEvent.objects.get(claim=claim)
    assert (event.action, event.actor, event.comment) == ("create", curator, body["comment"])


def test_a_reference_given_by_a_url_already_known_is_reused(curator, gene):
    entry = make_reference(url="https://www.uniprot.org/uniprotkb/Q92985", title="UniProt IRF7")
    body = {"gene": "IRF7", "text": "Text.", "references": [{"url": entry.url, "title": "Other"}]}

    data = api(curator).post("/api/v1/claims/", body).json()

    assert [c["reference"]["id"] for c in data["citations"]] == [entry.pk]
    assert Reference.objects.count() == 1


def test_invalid_input_is_a_400_naming_each_bad_field(curator, gene):
    for name in ("IFNA1", "IFNA13"):
        make_gene(name).add_name("IFN-ALPHA", GeneName.Kind.ALIAS)
    body = {
        "gene": "NOPE",
        "text": "",
        "section": "history",
        "mentioned_genes": ["ifn-alpha"],
        "references": [
            {"pmid": "not a number"},
            {"doi": "10.1038/x", "pmid": "1"},
            {"url": "https://example.org/"},
            {"pmid": "1", "stance": "maybe"},
        ],
    }

    body = error(api(curator).post("/api/v1/claims/", body), 400, "invalid")

    errors = body["errors"]
    assert set(errors) == {"gene", "text", "section", "mentioned_genes", "references"}
    assert body["detail"].startswith("Invalid input: ")
    assert errors["gene"] == [{"message": "No gene is called 'NOPE'.", "code": "unknown_gene"}]
    assert errors["text"][0]["code"] == "blank"
    assert errors["mentioned_genes"]["0"][0]["code"] == "ambiguous_gene"
    references = errors["references"]
    assert references["0"]["pmid"][0]["message"].endswith("PMIDs are positive whole numbers.")
    assert references["1"]["non_field_errors"][0]["code"] == "one_identifier"
    assert references["2"]["title"][0]["code"] == "required"
    assert references["3"]["stance"][0]["code"] == "invalid_choice"
    assert not Claim.objects.exists()
    assert not Reference.objects.exists()


def test_nul_characters_are_refused_as_invalid_input_not_stored(curator, gene):
    body = {"gene": "IRF\x007", "text": "IRF7\x00 text.", "references": [{"pmid": "1\x00"}]}

    errors = error(api(curator).post("/api/v1/claims/", body), 400, "invalid")["errors"]

    assert errors["gene"][0]["code"] == "null_characters_not_allowed"
    assert errors["text"][0]["code"] == "null_characters_not_allowed"
    assert errors["references"]["0"]["pmid"][0]["code"] == "null_characters_not_allowed"


def test_a_body_that_is_not_json_is_refused(curator):
    client = api(curator)
    error(
        client.post("/api/v1/claims/", "{nope", content_type="application/json"),
        400,
        "parse_error",
    )
    error(client.post("/api/v1/claims/", {"gene": "IRF7"}, format="multipart"), 415,
          "unsupported_media_type")  # fmt: skip


def test_no_credentials_is_a_401_that_says_how_to_authenticate(gene):
    response = api().post("/api/v1/claims/", {"gene": "IRF7", "text": "Text."})

    error(response, 401, "not_authenticated")
    assert response.headers["WWW-Authenticate"] == "Token"
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    error(bad.get("/api/v1/claims/"), 401, "authentication_failed")


def test_a_user_in_no_group_may_not_write(outsider, gene):
    error(
        api(outsider).post("/api/v1/claims/", {"gene": "IRF7", "text": "Text."}),
        403,
        "not_curator",
    )


def test_a_session_writes_only_with_the_csrf_token(curator, gene):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(curator)
    body = {"gene": "IRF7", "text": "Text."}

    refused = error(client.post("/api/v1/claims/", body), 403, "permission_denied")
    assert "CSRF" in refused["detail"]
    client.get("/curate/token/")  # any page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    assert client.post("/api/v1/claims/", body, HTTP_X_CSRFTOKEN=csrf).status_code == 201


def test_the_author_edits_a_draft_with_the_version_they_read(curator, gene):
    claim = make_claim(curator, gene=gene)
    new = make_reference(pmid=15800576)
    body = {
        "version": 1,
        "text": "IRF7 is the master regulator.",
        "organism": "Homo sapiens",
        "references": [{"pmid": "15800576", "stance": "background"}],
        "comment": "Cite the primary paper.",
    }

    response = api(curator).patch(f"/api/v1/claims/{claim.pk}/", body)

    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 2
    assert data["text"] == "IRF7 is the master regulator."
    assert data["organism"] == "Homo sapiens"
    assert [(c["reference"]["id"], c["stance"]) for c in data["citations"]] == [
        (new.pk, "background")
    ]
    claim.refresh_from_db()
    assert claim.version == 2
    assert claim.section == "summary"  # left out, so kept
    assert claim.events.latest("id").comment == "Cite the primary paper."


def test_a_stale_edit_is_a_409_and_changes_nothing(curator, gene):
    claim = make_claim(curator, gene=gene)
    claim.edit(curator, version=1, text="Changed meanwhile.")

    body = error(
        api(curator).patch(f"/api/v1/claims/{claim.pk}/", {"version": 1, "text": "Mine."}),
        409,
        "stale_version",
    )

    assert "version 1" in body["detail"]
    claim.refresh_from_db()
    assert claim.text == "Changed meanwhile."


def test_an_edit_needs_a_version_and_an_editable_claim(curator, reviewer, gene):
    draft = make_claim(curator, gene=gene)
    body = error(api(curator).patch(f"/api/v1/claims/{draft.pk}/", {"text": "X."}), 400, "invalid")
    assert list(body["errors"]) == ["version"]
    approved = make_approved_claim(curator, reviewer, gene=gene)
    error(
        api(curator).patch(f"/api/v1/claims/{approved.pk}/", {"version": approved.version}),
        409,
        "not_editable",
    )
    error(api(curator).patch("/api/v1/claims/999/", {"version": 1}), 404, "not_found")
    error(api(curator).put(f"/api/v1/claims/{draft.pk}/", {"version": 1}), 405,
          "method_not_allowed")  # fmt: skip


def test_a_claim_goes_through_review_by_api(curator, reviewer, gene):
    claim = make_claim(curator, gene=gene)
    author, decider = api(curator), api(reviewer)

    submitted = author.post(f"/api/v1/claims/{claim.pk}/submit/", {"comment": "Ready."})
    assert submitted.json()["status"] == "submitted"
    sent_back = decider.post(
        f"/api/v1/claims/{claim.pk}/request-changes/", {"comment": "Cite the primary paper."}
    )
    assert sent_back.json()["status"] == "changes_requested"
    assert author.post(f"/api/v1/claims/{claim.pk}/submit/").json()["status"] == "submitted"
    approved = decider.post(f"/api/v1/claims/{claim.pk}/approve/", {"version": 4})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["reviewer"] == "rita"

    revision = author.post(f"/api/v1/claims/{claim.pk}/revise/", {"comment": "Newer data."})
    assert revision.status_code == 201
    assert revision.json()["supersedes"] == claim.pk
    assert revision.json()["status"] == "draft"
    retired = decider.post(f"/api/v1/claims/{claim.pk}/retire/", {"comment": "Outdated."})
    assert retired.json()["status"] == "retired"
    actions = list(claim.events.values_list("action", "actor__username"))
    assert actions == [
        ("create", "carla"),
        ("submit", "carla"),
        ("request_changes", "rita"),
        ("submit", "carla"),
        ("approve", "rita"),
        ("retire", "rita"),
    ]


def test_withdraw_and_reject_end_a_claim(curator, reviewer, gene):
    draft, submitted = make_claim(curator, gene=gene), make_submitted_claim(curator, gene=gene)

    withdrawn = api(curator).post(f"/api/v1/claims/{draft.pk}/withdraw/")
    rejected = api(reviewer).post(f"/api/v1/claims/{submitted.pk}/reject/", {"comment": "No."})

    assert withdrawn.json()["status"] == "withdrawn"
    assert rejected.json()["status"] == "rejected"
    assert submitted.events.latest("id").comment == "No."


def test_nobody_decides_on_a_claim_they_wrote(reviewer, admin):
    for author in (reviewer, admin):
        claim = make_submitted_claim(author)
        body = error(api(author).post(f"/api/v1/claims/{claim.pk}/approve/"), 403, "four_eyes")
        assert "four-eyes" in body["detail"]
        claim.refresh_from_db()
        assert claim.status == Status.SUBMITTED


def test_workflow_refusals_keep_the_models_codes(curator, reviewer, other_reviewer, gene):
    claim = make_submitted_claim(curator, gene=gene)
    decider = api(reviewer)

    error(decider.post(f"/api/v1/claims/{claim.pk}/reject/"), 400, "comment_required")
    error(decider.post(f"/api/v1/claims/{claim.pk}/approve/", {"version": 1}), 409,
          "stale_version")  # fmt: skip
    error(api(curator).post(f"/api/v1/claims/{claim.pk}/submit/"), 409, "illegal_transition")
    assert decider.post(f"/api/v1/claims/{claim.pk}/approve/").status_code == 200
    error(api(other_reviewer).post(f"/api/v1/claims/{claim.pk}/approve/"), 409,
          "illegal_transition")  # fmt: skip
    error(decider.post("/api/v1/claims/999/approve/"), 404, "not_found")
    bad = error(decider.post(f"/api/v1/claims/{claim.pk}/retire/", {"version": 0}), 400, "invalid")
    assert list(bad["errors"]) == ["version"]


def test_approving_over_unresolved_references_needs_an_override_reason(curator, reviewer, gene):
    pending = make_reference(fetch_status=Reference.FetchStatus.PENDING)
    claim = make_submitted_claim(curator, gene=gene, references=[pending])
    decider = api(reviewer)

    body = error(decider.post(f"/api/v1/claims/{claim.pk}/approve/"), 409, "unresolved_references")
    assert f"PMID {pending.pmid}" in body["detail"]
    approved = decider.post(
        f"/api/v1/claims/{claim.pk}/approve/", {"override_reason": "Checked the paper by hand."}
    )
    assert approved.json()["status"] == "approved"
    assert claim.events.latest("id").override_reason == "Checked the paper by hand."


# Who may take each step through the API: the matrix of tests/test_workflow_permissions.py.
AUTHOR_ONLY = {"author": 1, "other_curator": 0, "reviewer": 0, "admin": 1, "outsider": 0}
REVIEWERS = {"author": 0, "other_curator": 0, "reviewer": 1, "admin": 1, "outsider": 0}
CURATORS = {"author": 1, "other_curator": 1, "reviewer": 1, "admin": 1, "outsider": 0}
# step -> (starting status, method, path, body, who may, status after)
STEPS = {
    "edit": (Status.DRAFT, "patch", "", {"version": 1, "text": "New."}, AUTHOR_ONLY, Status.DRAFT),
    "submit": (Status.DRAFT, "post", "submit/", {}, AUTHOR_ONLY, Status.SUBMITTED),
    "withdraw": (Status.DRAFT, "post", "withdraw/", {}, AUTHOR_ONLY, Status.WITHDRAWN),
    "approve": (Status.SUBMITTED, "post", "approve/", {}, REVIEWERS, Status.APPROVED),
    "reject": (Status.SUBMITTED, "post", "reject/", {"comment": "No."}, REVIEWERS,
               Status.REJECTED),
    "request-changes": (Status.SUBMITTED, "post", "request-changes/", {"comment": "Cite more."},
                        REVIEWERS, Status.CHANGES_REQUESTED),
    "retire": (Status.APPROVED, "post", "retire/", {"comment": "Old."}, REVIEWERS,
               Status.RETIRED),
    "revise": (Status.APPROVED, "post", "revise/", {}, CURATORS, Status.APPROVED),
}  # fmt: skip
CASES = [
    (step, actor, bool(allowed))
    for step, (*_, who, _after) in STEPS.items()
    for actor, allowed in [*who.items(), ("anonymous", 0)]
]


@pytest.mark.parametrize("step,actor,allowed", CASES)
def test_permission_matrix(
    step, actor, allowed, curator, other_curator, reviewer, other_reviewer, admin, outsider
):
    start, method, path, body, _who, after = STEPS[step]
    people = {
        "author": curator,
        "other_curator": other_curator,
        "reviewer": reviewer,
        "admin": admin,
        "outsider": outsider,
        "anonymous": None,
    }
    claim = {
        Status.DRAFT: make_claim,
        Status.SUBMITTED: make_submitted_claim,
        Status.APPROVED: lambda author: make_approved_claim(author, other_reviewer),
    }[start](curator)
    events = ReviewEvent.objects.count()

    response = getattr(api(people[actor]), method)(f"/api/v1/claims/{claim.pk}/{path}", body)

    claim.refresh_from_db()
    if allowed:
        assert response.status_code == (201 if step == "revise" else 200), response.content
        assert claim.status == after
        assert ReviewEvent.objects.count() == events + 1
        assert ReviewEvent.objects.latest("id").actor == people[actor]
    else:
        if actor == "anonymous":
            error(response, 401, "not_authenticated")
        elif actor == "outsider":
            error(response, 403, "not_curator")
        else:
            assert response.status_code == 403, response.content
            assert response.json()["code"] in {"not_author", "not_reviewer", "four_eyes"}
        assert claim.status == start
        assert ReviewEvent.objects.count() == events


def test_creating_a_draft_matrix(curator, reviewer, admin, outsider, gene):
    body = {"gene": "IRF7", "text": "Text.", "references": [{"pmid": "9822609"}]}
    for user in (curator, reviewer, admin):
        response = api(user).post("/api/v1/claims/", body)
        assert response.status_code == 201, response.content
        assert response.json()["author"] == user.username
    error(api(outsider).post("/api/v1/claims/", body), 403, "not_curator")
    error(api().post("/api/v1/claims/", body), 401, "not_authenticated")
    assert Claim.objects.count() == 3
    assert Reference.objects.count() == 1
