"""?updated_since= on every export: what changed at or after that moment, and nothing else."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from curation.models import Claim
from references.models import Reference
from tests.export_helpers import (  # noqa: F401
    EXPORT_URLS,
    body,
    make_dataset,
    ndjson,
    no_throttle_left_over,
    tsv,
)


@pytest.fixture
def data(curator, reviewer, gene):
    data = make_dataset(curator, reviewer, gene)
    long_ago = timezone.now() - timedelta(days=30)
    Claim.objects.update(updated_at=long_ago)
    Reference.objects.update(updated_at=long_ago)
    return data


def since(client, name, value):
    return client.get(reverse(name), {"updated_since": value})


def test_updated_since_keeps_claims_changed_at_or_after_it(client, data):
    moment = timezone.now() - timedelta(days=1)
    Claim.objects.filter(pk=data["plain"].pk).update(updated_at=moment)

    for value in (moment.isoformat(), moment.strftime("%Y-%m-%dT%H:%M:%S.%f"), "2000-01-01"):
        lines = ndjson(body(since(client, "export-claims-ndjson", value)))
        expected = [data["plain"].pk] if value != "2000-01-01" else [
            data["odd"].pk, data["no_pubmed"].pk, data["plain"].pk
        ]  # fmt: skip
        assert [line["id"] for line in lines] == expected, value
    _, rows = tsv(body(since(client, "export-claims-tsv", moment.isoformat())))
    assert [int(row[0]) for row in rows] == [data["plain"].pk]
    _, rows = tsv(body(since(client, "export-generifs-tsv", moment.isoformat())))
    assert [row[4] for row in rows] == ["IRF7 is induced by interferon."]
    later = (moment + timedelta(microseconds=1)).isoformat()
    assert ndjson(body(since(client, "export-claims-ndjson", later))) == []


def test_a_date_means_midnight_utc(client, data):
    day = timezone.now().date() - timedelta(days=2)
    Claim.objects.filter(pk=data["odd"].pk).update(
        updated_at=timezone.make_aware(timezone.datetime(day.year, day.month, day.day))
    )

    same_day = ndjson(body(since(client, "export-claims-ndjson", day.isoformat())))
    next_day = ndjson(body(since(client, "export-claims-ndjson", str(day + timedelta(days=1)))))

    assert [line["id"] for line in same_day] == [data["odd"].pk]
    assert next_day == []


def test_a_changed_reference_brings_back_the_claims_citing_it_and_itself(client, data):
    Reference.objects.filter(pk=data["doi_only"].pk).update(updated_at=timezone.now())
    moment = (timezone.now() - timedelta(hours=1)).isoformat()

    claims = ndjson(body(since(client, "export-claims-ndjson", moment)))
    references = ndjson(body(since(client, "export-references-ndjson", moment)))

    assert [c["id"] for c in claims] == [data["odd"].pk]
    assert [r["id"] for r in references] == [data["doi_only"].pk]


def test_a_changed_claim_brings_back_the_references_it_cites(client, data):
    Claim.objects.filter(pk=data["no_pubmed"].pk).update(updated_at=timezone.now())
    moment = (timezone.now() - timedelta(hours=1)).isoformat()

    references = ndjson(body(since(client, "export-references-ndjson", moment)))

    assert [r["id"] for r in references] == [data["database"].pk]


@pytest.mark.parametrize("name", EXPORT_URLS)
@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "2025-02-30", "2025-01-01T25:00"])
def test_a_value_that_is_not_a_date_is_a_400_that_says_so(client, db, name, value):
    response = since(client, name, value)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "invalid"
    assert "updated_since" in response.json()["detail"]
    assert set(response.json()) == {"code", "detail"}


def test_an_empty_value_means_everything(client, data):
    lines = ndjson(body(since(client, "export-claims-ndjson", "")))

    assert len(lines) == 3
