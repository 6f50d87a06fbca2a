"""An approved claim reads the same in the API and in the NDJSON export."""

import json

import pytest

from tests.api_helpers import unthrottled  # noqa: F401
from tests.export_helpers import no_throttle_left_over  # noqa: F401
from tests.factories import make_approved_claim

pytestmark = pytest.mark.django_db


def test_the_export_line_of_a_claim_is_its_api_json(client, unthrottled, curator, reviewer):  # noqa: F811
    claim = make_approved_claim(curator, reviewer)

    api = client.get(f"/api/v1/claims/{claim.pk}/").json()
    body = b"".join(client.get("/api/v1/export/claims.ndjson").streaming_content).decode()
    (exported,) = [json.loads(line) for line in body.splitlines() if not line.startswith("#")]

    # The export adds when each reference last changed, for incremental pulls.
    for citation in exported["citations"]:
        citation["reference"].pop("updated_at")
    assert exported == api
