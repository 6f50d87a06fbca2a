"""Hostile input in every text field: a clean 4xx or form error, or stored and shown inert.

Each surface (a web form, an admin form, an API body, a query string, a URL) gets each
hostile value. None may give a 500. NUL and other control characters (PostgreSQL refuses
NUL; the others have no place in prose and break XML and terminals) are refused with a
message naming the field; markup and SQL-looking text are stored as typed and escaped
wherever they are shown.
"""

import json

import pytest
from rest_framework.authtoken.models import Token

from curation.models import Claim, ReviewEvent, Status
from references.models import Reference
from tests.api_helpers import api, unthrottled  # noqa: F401
from tests.factories import make_claim, make_submitted_claim, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]

MARKUP = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "javascript-url": "javascript:alert(1)",
    "sql": "'; DROP TABLE curation_claim; --",
}
CONTROL = {
    "nul": "IRF7 is\x00 here",
    "control-01": "IRF7 is\x01 here",
    "escape-1b": "IRF7 is \x1b[31mred",
}
HUGE = {"one-megabyte": "A" * 1_000_000}
HOSTILE = {**MARKUP, **CONTROL, **HUGE}


@pytest.fixture
def setting(gene, curator, reviewer, admin):
    """What every surface needs: a draft by the curator and a submitted claim to decide on."""
    return {
        "draft": make_claim(curator, gene=gene),
        "submitted": make_submitted_claim(make_user("alice", "curators"), gene=gene),
        "curator": curator,
        "reviewer": reviewer,
        "admin": admin,
    }


def as_user(client, user):
    client.force_login(user)
    return client


def claim_form(value):
    return {"gene": "IRF7", "section": "summary", "text": "IRF7 binds DNA.", **value}


def admin_claim_form(value):
    """The admin's change form, with both inlines' management forms: without them it is
    refused before any field is validated."""
    return {
        "text": "IRF7 binds DNA.",
        "section": "summary",
        "seen_version": 1,
        "citations-TOTAL_FORMS": 0,
        "citations-INITIAL_FORMS": 0,
        "events-TOTAL_FORMS": 0,
        "events-INITIAL_FORMS": 0,
        **value,
    }


# Each surface: (method, URL with {draft}/{submitted}, user, body builder or query parameter).
FORMS = {
    "new claim: text": ("/curate/claims/new/", "curator", lambda v: claim_form({"text": v})),
    "new claim: gene": ("/curate/claims/new/", "curator", lambda v: claim_form({"gene": v})),
    "new claim: organism": (
        "/curate/claims/new/",
        "curator",
        lambda v: claim_form({"organism": v}),
    ),
    "new claim: citations": (
        "/curate/claims/new/",
        "curator",
        lambda v: claim_form({"citations": v}),
    ),
    "new claim: mentioned genes": (
        "/curate/claims/new/",
        "curator",
        lambda v: claim_form({"mentioned_genes": v}),
    ),
    "edit: text": (
        "/curate/claims/{draft}/edit/",
        "curator",
        lambda v: claim_form({"text": v, "version": 1}),
    ),
    "request changes: comment": (
        "/curate/claims/{submitted}/request_changes/",
        "reviewer",
        lambda v: {"comment": v},
    ),
    "approve: override reason": (
        "/curate/claims/{submitted}/approve/",
        "reviewer",
        lambda v: {"override_reason": v},
    ),
    "add gene: Gene ID": ("/curate/genes/add/", "curator", lambda v: {"ncbi_gene_id": v}),
    "token: action": ("/curate/token/", "curator", lambda v: {"action": v}),
    "admin claim: text": (
        "/admin/curation/claim/{draft}/change/",
        "admin",
        lambda v: admin_claim_form({"text": v}),
    ),
    "admin claim: organism": (
        "/admin/curation/claim/{draft}/change/",
        "admin",
        lambda v: admin_claim_form({"organism": v}),
    ),
    "admin decide: comment": (
        "/admin/curation/claim/{submitted}/decide/request_changes/",
        "admin",
        lambda v: {"comment": v},
    ),
    "log-in: username": ("/accounts/login/", None, lambda v: {"username": v, "password": "x"}),
}

# Compared with "revoke" and otherwise ignored: nothing to refuse.
NOT_STORED = {"token: action"}

QUERIES = {
    "search q": ("/search/?q={}", None),
    "gene list letter": ("/genes/?letter={}", None),
    "gene symbol in URL": ("/genes/{}/", None),
    "review queue filters": ("/curate/review/?gene={0}&author={0}", "reviewer"),
    "gene search": ("/curate/gene-search/?q={}", "curator"),
    "citation state": ("/curate/citation-state/?ids={}", "curator"),
    "API claims filter": ("/api/v1/claims/?gene={}", None),
    "API references filter": ("/api/v1/references/?doi={}", None),
    "API gene by symbol": ("/api/v1/genes/{}/", None),
    "admin search": ("/admin/curation/claim/?q={}", "admin"),
}

API_BODIES = {
    "claim text": lambda v: {"gene": "IRF7", "text": v, "references": [{"pmid": "9822609"}]},
    "claim gene": lambda v: {"gene": v, "text": "IRF7 binds DNA."},
    "claim organism": lambda v: {"gene": "IRF7", "text": "IRF7 binds DNA.", "organism": v},
    "claim comment": lambda v: {"gene": "IRF7", "text": "IRF7 binds DNA.", "comment": v},
    "mentioned gene": lambda v: {"gene": "IRF7", "text": "IRF7.", "mentioned_genes": [v]},
    "reference pmid": lambda v: {"gene": "IRF7", "text": "IRF7.", "references": [{"pmid": v}]},
    "reference doi": lambda v: {"gene": "IRF7", "text": "IRF7.", "references": [{"doi": v}]},
    "reference url": lambda v: {
        "gene": "IRF7",
        "text": "IRF7.",
        "references": [{"url": v, "title": "Entrez Gene: IRF7"}],
    },
    "reference title": lambda v: {
        "gene": "IRF7",
        "text": "IRF7.",
        "references": [{"url": "https://www.ncbi.nlm.nih.gov/gene/3665", "title": v}],
    },
    "citation quote": lambda v: {
        "gene": "IRF7",
        "text": "IRF7.",
        "references": [{"pmid": "9822609", "quote": v, "locator": v[:100]}],
    },
}


def shown_inert(response):
    """No 500, and an HTML answer never carries the hostile markup live (JSON is inert)."""
    assert response.status_code < 500, response.status_code
    if response["Content-Type"].startswith("text/html"):
        body = response.content.decode(errors="replace")
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x onerror" not in body


def nothing_stored_with_control_characters():
    for text in Claim.objects.values_list("text", "organism"):
        assert not any(ch in field for field in text for ch in "\x00\x01\x1b")
    for comment in ReviewEvent.objects.values_list("comment", flat=True):
        assert not any(ch in comment for ch in "\x00\x01\x1b")
    for title in Reference.objects.values_list("title", flat=True):
        assert not any(ch in title for ch in "\x00\x01\x1b")


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("surface", FORMS)
def test_web_and_admin_forms(client, setting, surface, value, sent):
    path, user, body = FORMS[surface]
    if user is not None:
        as_user(client, setting[user])
    url = path.format(draft=setting["draft"].pk, submitted=setting["submitted"].pk)

    response = client.post(url, body(HOSTILE[value]))

    shown_inert(response)
    if value in CONTROL and response.status_code == 200 and surface not in NOT_STORED:
        assert "errorlist" in response.text
    nothing_stored_with_control_characters()


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("surface", QUERIES)
def test_query_strings_and_addresses(client, setting, surface, value):
    path, user = QUERIES[surface]
    if user is not None:
        as_user(client, setting[user])
    quoted = HOSTILE[value].replace("%", "%25").replace("#", "%23").replace("?", "%3F")
    quoted = quoted.replace("/", "%2F").replace("&", "%26").replace("\x00", "%00")

    response = client.get(path.format(quoted))

    shown_inert(response)
    if path.startswith("/api/"):
        # The API's filters and views: a JSON 400 naming the filter, a 404, or no match.
        assert response["Content-Type"] == "application/json"
        if value == "nul":
            assert response.json()["code"] in ("invalid", "not_found")
    elif value in CONTROL:
        # In the query string a 400; in the path a 404, since no page has such a name.
        assert response.status_code == (404 if "?" not in path else 400)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("field", API_BODIES)
def test_api_json_string_fields(setting, field, value, sent):
    response = api(setting["curator"]).post(
        "/api/v1/claims/", API_BODIES[field](HOSTILE[value]), format="json"
    )

    assert response.status_code in (201, 400), response.content[:300]
    assert response["Content-Type"] == "application/json"
    if value in CONTROL or value == "one-megabyte":
        assert response.status_code == 400, response.content[:300]
        assert response.json()["code"] == "invalid"
        assert response.json()["errors"]
    nothing_stored_with_control_characters()


@pytest.mark.parametrize("value", CONTROL)
@pytest.mark.parametrize("step", ["approve", "request-changes"])
def test_api_decision_comments(setting, step, value):
    claim = setting["submitted"]
    body = {"comment": HOSTILE[value], "override_reason": HOSTILE[value]}

    response = api(setting["reviewer"]).post(f"/api/v1/claims/{claim.pk}/{step}/", body)

    assert response.status_code == 400
    assert set(response.json()["errors"]) & {"comment", "override_reason"}
    claim.refresh_from_db()
    assert claim.status == Status.SUBMITTED


def test_api_token_name_is_not_user_input_but_a_hostile_token_is_a_clean_401(client, curator):
    Token.objects.create(user=curator)

    response = client.get("/api/v1/claims/", HTTP_AUTHORIZATION="Token <script>\x01'--")

    assert response.status_code == 401
    assert response.json()["code"]


@pytest.mark.parametrize(
    "raw",
    [b'{"gene": "IRF7", "text": "\xff\xfe bad"}', b"\xff\xfe\x00", b'{"text": "\\u0000"}'],
)
def test_api_body_with_invalid_utf8_or_escaped_nul_is_a_clean_400(setting, raw):
    client = api(setting["curator"])

    response = client.generic("POST", "/api/v1/claims/", raw, content_type="application/json")

    assert response.status_code == 400, response.content[:300]
    assert response.json()["code"]


def test_form_body_with_invalid_utf8_is_not_a_500(client, setting):
    as_user(client, setting["curator"])

    response = client.generic(
        "POST",
        "/curate/claims/new/",
        b"gene=IRF7&text=%ff%fe+bad&section=summary",
        content_type="application/x-www-form-urlencoded",
    )

    # Django decodes a form body as UTF-8 with replacement characters: stored, never raw bytes.
    assert response.status_code == 302
    assert Claim.objects.get(text__contains="bad").text == "\ufffd\ufffd bad"


@pytest.mark.parametrize(
    "path", ["/search/?q=%ff%fe", "/genes/%ff%fe/", "/api/v1/claims/?gene=%ff"]
)
def test_invalid_utf8_in_the_address_is_not_a_500(client, db, path):
    response = client.get(path)

    assert response.status_code < 500


def test_markup_and_sql_stored_through_the_form_are_shown_inert(client, setting):
    as_user(client, setting["curator"])
    text = " ".join(MARKUP.values())

    client.post("/curate/claims/new/", claim_form({"text": text, "organism": MARKUP["img"]}))

    claim = Claim.objects.get(text=text)  # stored as typed: the SQL-looking text did nothing
    assert Claim.objects.count() == 3
    for user, path in [
        ("curator", f"/curate/claims/{claim.pk}/"),
        ("curator", "/curate/"),
        ("admin", f"/admin/curation/claim/{claim.pk}/change/"),
        ("admin", "/admin/curation/claim/"),
    ]:
        html = as_user(client, setting[user]).get(path).content.decode()
        assert "<script>alert(1)</script>" not in html, path
        assert "<img src=x onerror" not in html, path
        assert 'href="javascript:' not in html, path
    api_json = as_user(client, setting["curator"]).get(f"/api/v1/claims/{claim.pk}/")
    assert api_json["Content-Type"] == "application/json"
    assert json.loads(api_json.content)["text"] == text


def test_login_does_not_redirect_to_a_javascript_or_foreign_address(client, curator):
    for target in ["javascript:alert(1)", "https://evil.example/", "//evil.example/"]:
        response = client.post(
            "/accounts/login/", {"username": "carla", "password": "pw-carla", "next": target}
        )
        assert response.status_code == 302
        assert response["Location"] == "/curate/", target
        client.logout()
