"""The E-utilities client against the local stand-in (references/standin.py).

NCBI is not reachable from here: failure bodies and the current ID converter
shape follow /work/shared/NCBI.md and the recorded fixtures, not live answers.
"""

import logging

import pytest
from django.test import override_settings

from references.eutils import (
    BadRequest,
    EfetchBatch,
    EutilsClient,
    EutilsError,
    ResponseError,
    TransientError,
)
from references.ratelimit import LocalRateLimiter
from tests.eutils_helpers import (
    API_KEY,
    NCBI_FIXTURES,
    PUBMED_FIXTURES,
    CountingLimiter,
    running_standin,
)

KNOWN = [9997, 12091962, 29963580, 20301577]  # in the PubMed fixtures
UNKNOWN = 37909814  # efetch answers an empty set for it (fixtures/pubmed/empty_set_*)


@pytest.fixture
def standin():
    with running_standin() as server:
        yield server


class Backoff:
    """Stands in for time.sleep and random.random: records delays, returns set jitters."""

    def __init__(self, jitters=(0.5,)):
        self.delays = []
        self.jitters = list(jitters)

    def sleep(self, seconds):
        self.delays.append(seconds)

    def random(self):
        return self.jitters.pop(0) if len(self.jitters) > 1 else self.jitters[0]


@pytest.fixture
def limiter():
    return CountingLimiter()


@pytest.fixture
def backoff():
    return Backoff()


@pytest.fixture
def client(standin, limiter, backoff):
    return make_client(standin, limiter, backoff)


def make_client(standin, limiter, fake, **options):
    defaults = {
        "base_url": standin.eutils_url,
        "idconv_url": standin.idconv_url,
        "tool": "gene-curation-tests",
        "email": "curation@example.org",
        "api_key": API_KEY,
        "rate_limiter": limiter,
        "timeout": 0.3,
        "sleep": fake.sleep,
        "random": fake.random,
    }
    return EutilsClient(**{**defaults, **options})


def fetch_one(client, pmids):
    (batch,) = client.efetch_pubmed(pmids)
    return batch


def test_450_pmids_go_in_three_form_posts_of_at_most_200(client, standin):
    pmids = KNOWN + list(range(50_000_001, 50_000_001 + 446))

    batches = list(client.efetch_pubmed(pmids))

    assert [len(b.requested) for b in batches] == [200, 200, 50]
    assert [p for b in batches for p in b.requested] == pmids
    requests = standin.requests
    assert len(requests) == 3
    for request, batch in zip(requests, batches, strict=True):
        assert request.method == "POST"
        assert request.path == "/entrez/eutils/efetch.fcgi"
        assert request.content_type == "application/x-www-form-urlencoded"
        assert request.query == {}  # everything, the key included, is in the body
        assert request.form["id"] == [",".join(map(str, batch.requested))]
        assert request.form["db"] == ["pubmed"]
        assert request.form["retmode"] == ["xml"]


def test_tool_email_and_api_key_go_with_every_request(client, standin):
    list(client.efetch_pubmed(KNOWN * 2 + list(range(1, 401))))

    assert len(standin.requests) == 3
    for request in standin.requests:
        assert request.form["tool"] == ["gene-curation-tests"]
        assert request.form["email"] == ["curation@example.org"]
        assert request.form["api_key"] == [API_KEY]


def test_without_a_key_no_api_key_is_sent(standin, limiter, backoff):
    client = make_client(standin, limiter, backoff, api_key="")

    fetch_one(client, KNOWN)

    assert not standin.requests[0].has_api_key


def test_pmids_are_normalised_and_deduplicated_before_fetching(client, standin):
    batch = fetch_one(client, ["PMID: 9997", 9997, "12091962"])

    assert batch.requested == (9997, 12091962)
    assert standin.requests[0].form["id"] == ["9997,12091962"]


def test_an_invalid_pmid_raises_before_any_request(client, standin):
    with pytest.raises(ValueError, match="not a PMID"):
        client.efetch_pubmed([9997, "00000000"])

    assert standin.requests == []


def test_the_batch_holds_the_raw_xml_and_which_pmids_came_back(client):
    batch = fetch_one(client, [*KNOWN, UNKNOWN])

    assert isinstance(batch, EfetchBatch)
    assert batch.returned == set(KNOWN)
    assert batch.missing == (UNKNOWN,)
    assert batch.deleted == frozenset()
    record = (PUBMED_FIXTURES / "book_article_genereviews_pmid20301577.xml").read_bytes()
    start = record.index(b"<PubmedBookArticle>")
    end = record.index(b"</PubmedBookArticle>") + len(b"</PubmedBookArticle>")
    assert record[start:end] in batch.xml


def test_an_empty_set_reports_every_pmid_missing_and_is_no_error(client):
    batch = fetch_one(client, [UNKNOWN, 50_000_001])

    assert batch.returned == frozenset()
    assert batch.missing == (UNKNOWN, 50_000_001)


def test_pmids_cited_in_comments_and_reference_lists_are_not_records(client):
    # 29963580 has a ReferenceList full of PMIDs; 35649368 has ErratumIn 35767954.
    batch = fetch_one(client, [29963580, 35649368, 35767954, 18216052])

    assert batch.returned == {29963580, 35649368}
    assert batch.missing == (35767954, 18216052)


def test_deleted_pmids_are_reported_apart_from_records_and_missing(client, standin):
    body = (PUBMED_FIXTURES / "delete_citation_update_file_tail_pmid34097368.xml").read_text()
    standin.fail("reply", body=body, content_type="text/xml")

    batch = fetch_one(client, [34097368, 31688362, 34096142, UNKNOWN])

    assert batch.returned == {34097368}
    assert batch.deleted >= {31688362, 34096142}
    assert batch.missing == (UNKNOWN,)


def test_an_error_body_in_a_200_raises_response_error_with_its_text(client, standin):
    standin.fail("error", text="Invalid db name specified: pubmd")

    with pytest.raises(ResponseError, match="Invalid db name specified: pubmd") as raised:
        fetch_one(client, KNOWN)

    assert raised.value.messages == ["Invalid db name specified: pubmd"]
    assert len(standin.requests) == 1


def test_a_429_is_retried_after_the_retry_after_it_asks_for(client, standin, limiter, backoff):
    standin.fail("status", status=429, retry_after="2")

    batch = fetch_one(client, KNOWN)

    assert batch.returned == set(KNOWN)
    assert backoff.delays == [2.0]  # the jittered backoff (0.5 s) was shorter
    assert len(standin.requests) == 2
    assert limiter.acquired == 2


def test_retry_after_as_an_http_date_is_honoured(standin, limiter, backoff):
    client = make_client(standin, limiter, backoff, clock=lambda: 1_700_000_000.0)
    standin.fail("status", status=503, retry_after="Tue, 14 Nov 2023 22:13:25 GMT")

    fetch_one(client, KNOWN)

    assert backoff.delays == [pytest.approx(5.0)]


def test_backoff_is_exponential_with_full_jitter_and_capped(standin, limiter):
    fake = Backoff(jitters=[1.0, 0.5, 1.0, 0.25])
    client = make_client(standin, limiter, fake, backoff=1.0, max_backoff=3.0)
    standin.fail("status", status=500, times=4)

    batch = fetch_one(client, KNOWN)

    # Ceilings 1, 2, 4 -> 3 (cap), 8 -> 3, each scaled by the jitter drawn.
    assert fake.delays == [1.0, 1.0, 3.0, 0.75]
    assert batch.returned == set(KNOWN)
    assert limiter.acquired == 5


@pytest.mark.parametrize(
    "fault",
    [
        {"mode": "status", "status": 500},
        {"mode": "status", "status": 502},
        {"mode": "status", "status": 503},
        {"mode": "timeout", "hold": 2.0},
        {"mode": "truncate"},
        {"mode": "partial"},
        {"mode": "html"},
        {"mode": "html", "status": 503},
        {"mode": "reply", "body": "", "content_type": "text/xml"},
        {
            "mode": "error",
            "status": 400,
            "text": "proxy_stream(): Failed to connect to PubOne service",
        },
    ],
    ids=lambda f: "-".join(str(v) for v in f.values())[:40],
)
def test_a_passing_failure_is_retried_then_the_records_arrive(client, standin, backoff, fault):
    standin.fail(**fault)

    batch = fetch_one(client, KNOWN)

    assert batch.returned == set(KNOWN)
    assert len(standin.requests) == 2
    assert len(backoff.delays) == 1


def test_attempts_are_bounded_then_transient_error_says_how_many(standin, limiter, backoff):
    client = make_client(standin, limiter, backoff, max_attempts=4)
    standin.fail("status", status=503, times=10)

    with pytest.raises(TransientError, match="after 4 attempt") as raised:
        fetch_one(client, KNOWN)

    assert raised.value.attempts == 4
    assert raised.value.status == 503
    assert len(standin.requests) == 4
    assert len(backoff.delays) == 3
    assert limiter.acquired == 4


def test_a_retry_after_longer_than_the_cap_gives_up_at_once(client, standin, backoff):
    standin.fail("status", status=429, retry_after="3600")

    with pytest.raises(TransientError) as raised:
        fetch_one(client, KNOWN)

    assert raised.value.attempts == 1
    assert raised.value.retry_after == 3600
    assert backoff.delays == []


def test_id_list_is_empty_is_a_bad_request_and_not_retried(client, standin, backoff):
    standin.fail("error", status=400, text="ID list is empty! Possibly it has no correct IDs.")

    with pytest.raises(BadRequest, match="ID list is empty") as raised:
        fetch_one(client, KNOWN)

    assert raised.value.status == 400
    assert raised.value.messages == ["ID list is empty! Possibly it has no correct IDs."]
    assert len(standin.requests) == 1
    assert backoff.delays == []


@pytest.mark.parametrize("status", [403, 404, 414])
def test_other_client_errors_are_not_retried(client, standin, status):
    standin.fail("status", status=status)

    with pytest.raises(BadRequest, match=f"HTTP {status}"):
        fetch_one(client, KNOWN)

    assert len(standin.requests) == 1


def test_a_refused_connection_is_retried_then_reported(limiter, backoff):
    with running_standin() as gone:
        url = gone.eutils_url
    client = EutilsClient(
        base_url=url, tool="t", rate_limiter=limiter, max_attempts=2, sleep=backoff.sleep
    )

    with pytest.raises(TransientError, match="connection failed") as raised:
        fetch_one(client, KNOWN)

    assert raised.value.status is None
    assert raised.value.attempts == 2


def test_the_api_key_never_appears_in_errors_or_logs(client, standin, caplog):
    caplog.set_level(logging.DEBUG)
    errors = []
    # NCBI's 429 body echoes the key it was sent.
    standin.fail("status", status=429, times=5)
    standin.fail("error", status=400, text=f"ID list is empty! ({API_KEY})")
    standin.fail("error", text=f"Bad key {API_KEY}")
    for _ in range(3):
        with pytest.raises(EutilsError) as raised:
            fetch_one(client, KNOWN)
        errors.append(raised.value)

    assert [type(e) for e in errors] == [TransientError, BadRequest, ResponseError]
    assert len(standin.requests) == 7
    assert caplog.records
    for error in errors:
        assert API_KEY not in str(error)
        assert API_KEY not in repr(error)
        assert API_KEY not in repr(getattr(error, "messages", ""))
    assert API_KEY not in caplog.text


def test_dois_and_pmcids_map_to_pmids_and_unknown_ones_to_none(client, standin):
    ids = [
        "10.1007/S10162-007-0081-Z",
        "https://doi.org/10.1000/unknown",
        "PMC4734780",
        "pmc8095192.2",
        "PMC1",
    ]

    found = client.idconv(ids)

    assert found == {
        "10.1007/S10162-007-0081-Z": 17401604,
        "https://doi.org/10.1000/unknown": None,
        "PMC4734780": 26829486,
        "pmc8095192.2": 34017925,
        "PMC1": None,
    }
    doi_request, pmcid_request = standin.requests
    assert doi_request.method == "GET"
    assert doi_request.query["idtype"] == ["doi"]
    assert doi_request.query["ids"] == ["10.1007/s10162-007-0081-z,10.1000/unknown"]
    assert pmcid_request.query["idtype"] == ["pmcid"]
    for request in standin.requests:
        assert request.query["format"] == ["json"]
        assert request.query["tool"] == ["gene-curation-tests"]
        assert request.query["email"] == ["curation@example.org"]
        assert not request.has_api_key


@pytest.mark.parametrize(
    "fixture, ids, expected",
    [
        ("idconv_json_doi_versions_mid_2017.json", ["10.1007/s10162-007-0081-z"], [17401604]),
        ("idconv_json_single_pmid_2017.json", ["PMC4734780"], [26829486]),
        (
            "idconv_json_pmid_found_plus_invalid_2017.json",
            ["10.1371/journal.pntd.0004413", "10.1000/not-in-pmc"],
            [26829486, None],
        ),
    ],
)
def test_the_2017_converter_answers_are_understood(client, standin, fixture, ids, expected):
    standin.fail(
        "reply", body=(NCBI_FIXTURES / fixture).read_text(), content_type="application/json"
    )

    assert client.idconv(ids) == dict(zip(ids, expected, strict=True))


def test_the_converter_understands_numeric_pmids_and_not_found_records(client, standin):
    body = (
        '{"status": "ok", "records": ['
        '{"requested-id": "PMC3531190", "pmcid": "PMC3531190", "pmid": 23193287, "doi": "10.1093/nar/gks1195"},'
        '{"requested-id": "PMC999", "status": "error", "errmsg": "Identifier not found in PMC"}]}'
    )
    standin.fail("reply", body=body, content_type="application/json")

    assert client.idconv(["PMC3531190", "PMC999"]) == {"PMC3531190": 23193287, "PMC999": None}


def test_a_request_level_converter_error_raises_response_error(client, standin, backoff):
    body = (NCBI_FIXTURES / "idconv_json_request_error_2017.json").read_text()
    standin.fail("reply", body=body, content_type="application/json")

    with pytest.raises(ResponseError, match="ID type of '26uio' is unknown"):
        client.idconv(["PMC4734780"])

    assert backoff.delays == []


def test_a_cut_converter_answer_is_retried(client, standin):
    standin.fail("partial")

    assert client.idconv(["PMC4734780"]) == {"PMC4734780": 26829486}
    assert len(standin.requests) == 2


def test_more_than_200_converter_ids_go_in_several_requests(client, standin):
    ids = [f"10.1000/paper.{n}" for n in range(250)]

    found = client.idconv(ids)

    assert set(found.values()) == {None}
    assert [len(r.query["ids"][0].split(",")) for r in standin.requests] == [200, 50]


def test_an_id_that_is_neither_doi_nor_pmcid_raises_before_any_request(client, standin):
    with pytest.raises(ValueError):
        client.idconv(["PMC4734780", "not an id"])

    assert standin.requests == []


@override_settings(
    NCBI_EUTILS_URL="http://127.0.0.1:9/entrez/eutils",
    NCBI_API_KEY=API_KEY,
    NCBI_EMAIL="curation@example.org",
    NCBI_TOOL="gene-curation",
    REDIS_URL="",
)
def test_from_settings_reads_the_ncbi_settings():
    client = EutilsClient.from_settings(timeout=5)

    assert client.base_url == "http://127.0.0.1:9/entrez/eutils/"
    assert client.idconv_url == "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/"
    assert (client.tool, client.email, client.timeout) == (
        "gene-curation",
        "curation@example.org",
        5,
    )
    assert isinstance(client.rate_limiter, LocalRateLimiter)
    assert client.rate_limiter.rate == 10
    assert EutilsClient.from_settings().rate_limiter is client.rate_limiter
