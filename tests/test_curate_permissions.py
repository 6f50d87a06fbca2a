"""Who may open each curator screen and take each action, and what it does to the database.

Roles: anonymous, outsider (logged in, in no group), curator (a curator who did
not write the claim), author (the curator who wrote it), reviewer, admin.
"""

import pytest

from curation.models import Claim, Status
from tests.factories import make_approved_claim, make_claim, make_submitted_claim

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "outsider", "curator", "author", "reviewer", "admin"]
LOGIN = "/accounts/login/?next="


@pytest.fixture
def users(outsider, other_curator, curator, reviewer, admin):
    return {
        "anonymous": None,
        "outsider": outsider,
        "curator": other_curator,
        "author": curator,
        "reviewer": reviewer,
        "admin": admin,
    }


def as_role(client, users, role):
    if users[role] is not None:
        client.force_login(users[role])
    return client


def expect(status, role):
    return status[ROLES.index(role)]


# Screens: (path, {pk} being a draft by the author; status per role, in ROLES order)
SCREENS = {
    "home": ("/curate/", (302, 403, 200, 200, 200, 200)),
    "new claim form": ("/curate/claims/new/", (302, 403, 200, 200, 200, 200)),
    "draft's page": ("/curate/claims/{pk}/", (302, 403, 404, 200, 200, 200)),
    # A reviewer who did not write the draft is sent back to its page with a message.
    "edit form": ("/curate/claims/{pk}/edit/", (302, 403, 404, 200, 302, 200)),
    "review queue": ("/curate/review/", (302, 403, 403, 403, 200, 200)),
    "gene search": ("/curate/gene-search/?q=IRF", (302, 403, 200, 200, 200, 200)),
    "citation state": ("/curate/citation-state/?ids=1", (302, 403, 200, 200, 200, 200)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("screen", SCREENS)
def test_screen(client, users, curator, gene, screen, role):
    path, statuses = SCREENS[screen]
    draft = make_claim(curator, gene=gene)
    url = path.format(pk=draft.pk)

    response = as_role(client, users, role).get(url)

    assert response.status_code == expect(statuses, role)
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("role", ROLES)
def test_writing_a_claim(client, users, gene, role):
    data = {"gene": "IRF7", "section": "summary", "text": "IRF7 is a gene.", "citations": "PMID:1"}

    response = as_role(client, users, role).post("/curate/claims/new/", data)

    allowed = role in ("curator", "author", "reviewer", "admin")
    assert response.status_code == (302 if role == "anonymous" or allowed else 403)
    assert Claim.objects.filter(author=users[role]).exists() == allowed
    if allowed:
        assert Claim.objects.get().status == Status.DRAFT


EDIT_STATUS = (302, 403, 404, 302, 302, 302)
EDITED = {"author", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_editing_a_draft(client, users, curator, gene, role):
    draft = make_claim(curator, gene=gene, text="Before.", references=[])
    data = {"section": "summary", "text": "After.", "citations": "", "version": draft.version}

    response = as_role(client, users, role).post(f"/curate/claims/{draft.pk}/edit/", data)

    assert response.status_code == expect(EDIT_STATUS, role)
    draft.refresh_from_db()
    assert draft.text == ("After." if role in EDITED else "Before.")
    assert draft.events.count() == (2 if role in EDITED else 1)


# Actions: the claim's state before, the POST data, the status per role, and who changes it.
ACTIONS = {
    "submit": ("draft", {}, (302, 403, 404, 302, 302, 302), {"author", "admin"}, Status.SUBMITTED),
    "withdraw": (
        "draft",
        {},
        (302, 403, 404, 302, 302, 302),
        {"author", "admin"},
        Status.WITHDRAWN,
    ),
    "approve": (
        "submitted",
        {},
        (302, 403, 404, 302, 302, 302),
        {"reviewer", "admin"},
        Status.APPROVED,
    ),
    "request_changes": (
        "submitted",
        {"comment": "Why?"},
        (302, 403, 404, 302, 302, 302),
        {"reviewer", "admin"},
        Status.CHANGES_REQUESTED,
    ),
    "reject": (
        "submitted",
        {"comment": "No."},
        (302, 403, 404, 302, 302, 302),
        {"reviewer", "admin"},
        Status.REJECTED,
    ),
    # Every curator sees approved claims, so a curator is refused with a message, not a 404.
    "retire": (
        "approved",
        {"comment": "Outdated."},
        (302, 403, 302, 302, 302, 302),
        {"reviewer", "admin"},
        Status.RETIRED,
    ),
}


def claim_in(state, author, reviewer, gene):
    if state == "draft":
        return make_claim(author, gene=gene)
    if state == "submitted":
        return make_submitted_claim(author, gene=gene)
    return make_approved_claim(author, reviewer, gene=gene)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_action(client, users, curator, other_reviewer, gene, action, role):
    state, data, statuses, allowed, after = ACTIONS[action]
    claim = claim_in(state, curator, other_reviewer, gene)
    before = claim.status
    events = claim.events.count()

    response = as_role(client, users, role).post(f"/curate/claims/{claim.pk}/{action}/", data)

    assert response.status_code == expect(statuses, role)
    if role == "anonymous":
        assert response["Location"].startswith(LOGIN)
    claim.refresh_from_db()
    assert claim.status == (after if role in allowed else before)
    assert claim.events.count() == events + (1 if role in allowed else 0)
    if role in allowed:
        assert claim.events.last().actor == users[role]


@pytest.mark.parametrize("role", ROLES)
def test_revise(client, users, curator, other_reviewer, gene, role):
    approved = make_approved_claim(curator, other_reviewer, gene=gene)

    response = as_role(client, users, role).post(f"/curate/claims/{approved.pk}/revise/")

    allowed = role in ("curator", "author", "reviewer", "admin")
    assert response.status_code == (403 if role == "outsider" else 302)
    revisions = Claim.objects.filter(supersedes=approved)
    assert revisions.count() == (1 if allowed else 0)
    if allowed:
        assert revisions.get().author == users[role]
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


@pytest.mark.parametrize("action", ["approve", "request_changes", "reject", "retire"])
def test_nobody_decides_on_their_own_claim(client, reviewer, other_reviewer, gene, action):
    state, data, *_ = ACTIONS[action]
    own = claim_in(state, reviewer, other_reviewer, gene)
    before = own.status
    client.force_login(reviewer)

    response = client.post(f"/curate/claims/{own.pk}/{action}/", data, follow=True)

    assert "four-eyes rule" in response.text
    own.refresh_from_db()
    assert own.status == before


def test_admin_cannot_decide_on_their_own_claim_either(client, admin, gene):
    own = make_submitted_claim(admin, gene=gene)
    client.force_login(admin)

    client.post(f"/curate/claims/{own.pk}/approve/")

    own.refresh_from_db()
    assert own.status == Status.SUBMITTED
