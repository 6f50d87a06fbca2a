"""schemathesis against /api/schema/, through the WSGI app: no 5xx, no response off the schema.

Reads run anonymously and with a reviewer's token (who sees every claim); writes
run with a curator's token. Every test runs in the test database's transaction,
so the data generated stays there.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api_helpers import unthrottled  # noqa: F401
from tests.factories import make_approved_claim, make_claim, make_gene, make_submitted_claim

pytestmark = pytest.mark.usefixtures("unthrottled")


@pytest.fixture
def wsgi_app(settings, db):
    """Django's WSGI app, keeping the test's database connection open between requests.

    Like Django's test client: a finished request would otherwise close the
    connection that holds the test's transaction.
    """
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis's Host
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app):
    return schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app)


@pytest.fixture
def data(curator, reviewer, other_reviewer, gene):
    """Genes, claims in several states and references, so that reads have something to show."""
    gene.add_name("IFNA-J", "alias")
    make_gene("STAT1")
    claims = [
        make_approved_claim(curator, other_reviewer, gene=gene),
        make_submitted_claim(curator, gene=gene),
        make_claim(curator, gene=gene),
        make_claim(curator, gene=gene),
    ]
    return {"curator": curator, "reviewer": reviewer, "claims": [c.pk for c in claims]}


schema = schemathesis.pytest.from_fixture("api_schema")
MAX = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


# No server error, and every response as the schema says (status, media type, headers, body).
# Not negative_data_rejection: an empty filter (?gene=) means "no filter", as usual in DRF.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def token(user):
    from rest_framework.authtoken.models import Token

    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


@schema.include(method="GET").parametrize()
@MAX
def test_reads_anonymously(case, data):
    case.call_and_validate(checks=CHECKS)


@schema.include(method="GET").parametrize()
@MAX
def test_reads_as_a_reviewer(case, data):
    case.call_and_validate(checks=CHECKS, headers=token(data["reviewer"]))


@schema.include(method=["POST", "PATCH"]).parametrize()
@MAX
def test_writes_as_a_curator(case, data):
    # Most generated ids name no claim; aim most of them at real ones, in every state.
    claim_id = str((case.path_parameters or {}).get("id", ""))
    if claim_id.isdigit() and int(claim_id) % 8 != 7:
        case.path_parameters["id"] = data["claims"][int(claim_id) % len(data["claims"])]
    case.call_and_validate(checks=CHECKS, headers=token(data["curator"]))
