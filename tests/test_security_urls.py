"""Who may GET and POST every URL of the site: a table checked against the URL conf itself.

The test walks the URL conf, so a new URL without an entry in ACCESS fails with a message
saying to add one. Each entry is then requested as each role. Roles: anonymous; outsider
(logged in, in no group); curator (not the author of the claim in the URL); reviewer; staff
(a superuser). The claim in the URL is a submitted one written by another curator.

Expected answers: a status code, or LOGIN for a redirect to the log-in page. The admin is one
group: every admin URL but its own log-in page sends a logged-in non-staff user to the admin
log-in page, and staff get a sample of its pages.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from curation.models import Claim
from tests.api_helpers import unthrottled  # noqa: F401
from tests.factories import make_approved_claim, make_submitted_claim, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]


@pytest.fixture(autouse=True)
def exports_unthrottled(settings):
    """Throttling has its own tests (test_export_access); here every request must get through."""
    settings.EXPORT_THROTTLE_RATES = {"export": None, "citation": None}


ROLES = ("anonymous", "outsider", "curator", "reviewer", "staff")
LOGIN = "login"

# Answers per role, in ROLES order, that many URLs share.
EVERYONE = (200,) * 5
LOGGED_IN = (LOGIN, 200, 200, 200, 200)
CURATORS = (LOGIN, 403, 200, 200, 200)  # and reviewers and staff; an outsider is refused
NOT_ALLOWED = (405,) * 5  # the URL does not take this method
API_READ_ONLY = (401, 403, 405, 405, 405)  # a POST: credentials first, then a curator
API_REVIEW_STEP = (401, 403, 403, 200, 200)  # a POST by a reviewer (or staff) only

# name (or route when unnamed): (URL with {claim}, {approved}, {reference} placeholders,
#   GET answers per role in ROLES order, POST answers per role, POST body).
# The POST body is the least a permitted user needs to be answered without a 500.
ACCESS = {
    # Public pages: read-only, for everyone; they take GET and HEAD only.
    "home": ("/", EVERYONE, NOT_ALLOWED, {}),
    "search": ("/search/?q=IRF7", EVERYONE, NOT_ALLOWED, {}),
    "gene-list": ("/genes/", EVERYONE, NOT_ALLOWED, {}),
    "gene-detail": ("/genes/IRF7/", EVERYONE, NOT_ALLOWED, {}),
    "reference-detail": ("/references/{reference}/", EVERYONE, NOT_ALLOWED, {}),
    "sitemap": ("/sitemap.xml", EVERYONE, NOT_ALLOWED, {}),
    "sitemap-section": ("/sitemap-genes.xml", EVERYONE, NOT_ALLOWED, {}),
    "release-list": ("/releases/", EVERYONE, NOT_ALLOWED, {}),
    # Only files a published release's manifest names are served (none here).
    "release-file": ("/releases/2025-01-01/claims.tsv", (404,) * 5, NOT_ALLOWED, {}),
    # Accounts. A logged-in user asking for the log-in page is sent on to /curate/.
    "login": ("/accounts/login/", (200, 302, 302, 302, 302), (200, 302, 302, 302, 302), {}),
    "logout": ("/accounts/logout/", NOT_ALLOWED, (302,) * 5, {}),
    "password_change": ("/accounts/password/", LOGGED_IN, LOGGED_IN, {}),
    "password_change_done": (
        "/accounts/password/done/",
        LOGGED_IN,
        (LOGIN, 405, 405, 405, 405),
        {},
    ),
    # Curator screens: curators and reviewers (and staff); an outsider is refused.
    "curate_genes:add": ("/curate/genes/add/", CURATORS, CURATORS, {}),
    "api-token": ("/curate/token/", CURATORS, CURATORS, {"action": "revoke"}),
    # Screens that only show things take GET and HEAD only, whoever asks.
    "curate-home": ("/curate/", CURATORS, NOT_ALLOWED, {}),
    "claim-new": ("/curate/claims/new/", CURATORS, CURATORS, {}),
    # Another curator's submitted claim is not theirs to see; reviewers see every claim.
    "claim-detail": (
        "/curate/claims/{claim}/",
        (LOGIN, 403, 404, 200, 200),
        NOT_ALLOWED,
        {},
    ),
    # Only the author edits: a reviewer is sent back to the claim's page with a message.
    "claim-edit": (
        "/curate/claims/{claim}/edit/",
        (LOGIN, 403, 404, 302, 302),
        (LOGIN, 403, 404, 302, 302),
        {},
    ),
    # Approve needs the reviewer's permission (and four-eyes: none of them wrote it). Every
    # action is a POST, so a GET is refused before anything else.
    "claim-action": (
        "/curate/claims/{claim}/approve/",
        NOT_ALLOWED,
        (LOGIN, 403, 404, 302, 302),
        {"comment": ""},
    ),
    "review-queue": (
        "/curate/review/",
        (LOGIN, 403, 403, 200, 200),
        NOT_ALLOWED,
        {},
    ),
    "gene-search": ("/curate/gene-search/?q=IRF", CURATORS, NOT_ALLOWED, {}),
    "citation-state": ("/curate/citation-state/?ids={reference}", CURATORS, CURATORS, {}),
    # Exports and citation formats: public downloads, read-only.
    "export-claims-ndjson": ("/api/v1/export/claims.ndjson", EVERYONE, NOT_ALLOWED, {}),
    "export-claims-tsv": ("/api/v1/export/claims.tsv", EVERYONE, NOT_ALLOWED, {}),
    "export-references-ndjson": ("/api/v1/export/references.ndjson", EVERYONE, NOT_ALLOWED, {}),
    "export-generifs-tsv": ("/api/v1/export/generifs.tsv", EVERYONE, NOT_ALLOWED, {}),
    "reference-citation": ("/api/v1/export/references/{reference}.bib", EVERYONE, NOT_ALLOWED, {}),
    # API: anyone reads; writing needs credentials (401) and a curator (403 otherwise).
    "api-gene-list": ("/api/v1/genes/", EVERYONE, API_READ_ONLY, {}),
    "api-gene-detail": ("/api/v1/genes/IRF7/", EVERYONE, API_READ_ONLY, {}),
    "api-claim-list": ("/api/v1/claims/", EVERYONE, (401, 403, 400, 400, 400), {}),
    # Anonymous callers, outsiders and other curators see approved claims only.
    "api-claim-detail": ("/api/v1/claims/{claim}/", (404, 404, 404, 200, 200), API_READ_ONLY, {}),
    # The claim steps: POST only; a curator who is not a reviewer (nor the author) is refused.
    "api-claim-approve": ("/api/v1/claims/{claim}/approve/", NOT_ALLOWED, API_REVIEW_STEP, {}),
    "api-claim-reject": (
        "/api/v1/claims/{claim}/reject/",
        NOT_ALLOWED,
        API_REVIEW_STEP,
        {"comment": "Not supported by the paper."},
    ),
    "api-claim-request-changes": (
        "/api/v1/claims/{claim}/request-changes/",
        NOT_ALLOWED,
        API_REVIEW_STEP,
        {"comment": "Cite the primary paper."},
    ),
    # Retire takes an approved claim: any curator may see it, only a reviewer may retire it.
    "api-claim-retire": (
        "/api/v1/claims/{approved}/retire/",
        NOT_ALLOWED,
        API_REVIEW_STEP,
        {"comment": "Superseded by newer work."},
    ),
    "api-claim-revise": (
        "/api/v1/claims/{approved}/revise/",
        NOT_ALLOWED,
        (401, 403, 201, 201, 201),
        {},
    ),
    # Submit and withdraw are the author's: nobody here wrote the claim. Staff may act as
    # the author, but a submitted claim can be neither submitted nor withdrawn (409).
    "api-claim-submit": (
        "/api/v1/claims/{claim}/submit/",
        NOT_ALLOWED,
        (401, 403, 403, 403, 409),
        {},
    ),
    "api-claim-withdraw": (
        "/api/v1/claims/{claim}/withdraw/",
        NOT_ALLOWED,
        (401, 403, 403, 403, 409),
        {},
    ),
    "api-reference-list": ("/api/v1/references/", EVERYONE, API_READ_ONLY, {}),
    "api-reference-detail": ("/api/v1/references/{reference}/", EVERYONE, API_READ_ONLY, {}),
    "api/^v1/": ("/api/v1/nothing/", (404,) * 5, (404,) * 5, {}),
    "api-schema": ("/api/schema/", EVERYONE, NOT_ALLOWED, {}),
    "api-docs": ("/api/docs/", EVERYONE, NOT_ALLOWED, {}),
}

ADMIN_PREFIX = "admin/"


def walk(patterns, prefix="", namespace=None):
    """(route, name) of every URL pattern, names with their namespaces."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace) if part) or None
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def site_urls():
    return {name or route: route for route, name in walk(get_resolver().url_patterns)}


def test_every_url_has_an_entry_in_the_access_table():
    urls = {key for key, route in site_urls().items() if not route.startswith(ADMIN_PREFIX)}

    missing = urls - ACCESS.keys()
    assert not missing, f"Add these URLs to ACCESS in {__name__} with who may use them: {missing}"
    assert not ACCESS.keys() - urls, "ACCESS names URLs that no longer exist"


@pytest.fixture
def people(outsider, curator, reviewer, admin):
    return {
        "anonymous": None,
        "outsider": outsider,
        "curator": curator,
        "reviewer": reviewer,
        "staff": admin,
    }


@pytest.fixture
def objects(gene, other_reviewer):
    author = make_user("alice", "curators")
    claim = make_submitted_claim(author, gene=gene)
    approved = make_approved_claim(author, other_reviewer, gene=gene)
    return {
        "claim": claim.pk,
        "approved": approved.pk,
        "reference": claim.citations.get().reference_id,
    }


def check(response, expected, what):
    if expected == LOGIN:
        assert response.status_code == 302, what
        assert response["Location"].startswith("/accounts/login/?next="), what
    else:
        assert response.status_code == expected, f"{what}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ACCESS)
def test_access(client, people, objects, name, role):
    path, gets, posts, body = ACCESS[name]
    path = path.format(**objects)
    if people[role] is not None:
        client.force_login(people[role])
    is_api = path.startswith("/api/v1/") and "/export/" not in path

    check(client.get(path), gets[ROLES.index(role)], f"GET {path} as {role}")
    if is_api:
        response = client.post(path, body, content_type="application/json")
    else:
        response = client.post(path, body)
    check(response, posts[ROLES.index(role)], f"POST {path} as {role}")


SAMPLE_ARGUMENTS = {
    "app_label": "curation",
    "content_type_id": "1",
    "url": "nothing/",
    "action": "approve",
}
ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def admin_path(route, claim_pk):
    """The route with its arguments filled in: the claim's id, the curation app, and so on."""
    values = {**SAMPLE_ARGUMENTS, "object_id": str(claim_pk), "id": str(claim_pk)}
    filled = ARGUMENT.sub(lambda m: values[m.group(1) or m.group(2)], route)
    return "/" + filled.replace("^", "").replace("$", "")


def test_every_admin_url_but_its_log_in_page_needs_staff(client, reviewer, curator, gene):
    claim = make_submitted_claim(curator, gene=gene)
    client.force_login(reviewer)  # a reviewer who is not staff
    # The admin's own log-in page, and Django's "view on site" redirect (it only sends on to
    # the object's own address, which checks access itself).
    open_to_all = {"admin:login", "admin:view_on_site"}
    admin_routes = {
        key: route for key, route in site_urls().items() if route.startswith(ADMIN_PREFIX)
    }
    checked = 0

    for key, route in admin_routes.items():
        if key in open_to_all:
            continue
        path = admin_path(route, claim.pk)
        response = client.get(path)
        assert response.status_code == 302, (key, path, response.status_code)
        # Log-out without a session goes to the admin's index, which sends to its log-in.
        login = "/admin/" if key == "admin:logout" else "/admin/login/?next="
        assert response["Location"].startswith(login), path
        checked += 1

    assert checked > 40


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/curation/claim/",
        "/admin/curation/claim/{claim}/change/",
        "/admin/curation/claim/{claim}/history/",
        "/admin/references/reference/",
        "/admin/genes/gene/",
        "/admin/auth/user/",
    ],
)
def test_staff_use_the_admin_and_others_are_sent_to_its_log_in(client, people, objects, path):
    path = path.format(**objects)
    assert client.get(path)["Location"].startswith("/admin/login/")
    for role in ("outsider", "curator", "reviewer"):
        client.force_login(people[role])
        assert client.get(path)["Location"].startswith("/admin/login/"), role

    client.force_login(people["staff"])
    assert client.get(path).status_code == 200


def test_forms_refuse_a_post_without_the_csrf_token(client, curator):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(curator)

    response = strict.post("/curate/claims/new/", {"gene": "IRF7", "text": "x"})

    assert response.status_code == 403
    assert not Claim.objects.exists()
