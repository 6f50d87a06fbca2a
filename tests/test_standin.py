"""The E-utilities stand-in, spoken to with plain urllib as any client would."""

import http.client
import io
import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from django.core.management import CommandError, call_command

from references.standin import Standin, index_records
from tests.eutils_helpers import API_KEY, NCBI_FIXTURES, PUBMED_FIXTURES, running_standin


@pytest.fixture
def standin():
    with running_standin() as server:
        yield server


def get(url, timeout=5):
    """(status, headers, body) for a GET, whatever the status."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers, e.read()


def post(url, data=None, timeout=5):
    body = json.dumps(data).encode() if data is not None else b""
    request = urllib.request.Request(url, data=body, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def efetch(standin, ids, **params):
    query = urllib.parse.urlencode({"db": "pubmed", "retmode": "xml", "id": ids, **params})
    return get(f"{standin.eutils_url}efetch.fcgi?{query}")


def record_pmids(body):
    root = ET.fromstring(body)
    assert root.tag == "PubmedArticleSet"
    return [int(r.find("*/PMID").text) for r in root]


def test_a_known_pmid_gets_its_recorded_record_verbatim(standin):
    status, headers, body = efetch(standin, "9997")

    assert status == 200
    assert headers["Content-Type"].startswith("text/xml")
    assert record_pmids(body) == [9997]
    fixture = (
        PUBMED_FIXTURES / "season_no_abstract_two_records_pmid12091962_9997.xml"
    ).read_bytes()
    start = fixture.rindex(b"<PubmedArticle>", 0, fixture.index(b">9997</PMID>"))
    end = fixture.index(b"</PubmedArticle>", start) + len(b"</PubmedArticle>")
    assert fixture[start:end] in body


def test_a_form_post_is_answered_like_a_get(standin):
    form = urllib.parse.urlencode({"db": "pubmed", "id": "20301577,12091962"}).encode()

    with urllib.request.urlopen(f"{standin.eutils_url}efetch.fcgi", data=form, timeout=5) as r:
        body = r.read()

    assert record_pmids(body) == [20301577, 12091962]
    (request,) = standin.requests
    assert request.method == "POST"
    assert request.form["id"] == ["20301577,12091962"]


def test_unknown_pmids_are_absent_and_all_unknown_gives_the_empty_set(standin):
    _, _, some = efetch(standin, "9997,37909814")
    status, _, none = efetch(standin, "37909814,50000001")

    assert record_pmids(some) == [9997]
    assert status == 200
    assert record_pmids(none) == []


def test_only_malformed_ids_get_ncbis_400(standin):
    status, _, body = efetch(standin, "00000000,abc")

    assert status == 400
    assert b"<ERROR>ID list is empty! Possibly it has no correct IDs.</ERROR>" in body


def test_the_index_holds_records_only_and_the_latest_version():
    records = index_records(PUBMED_FIXTURES)

    assert {20301577, 34097368, 400712}.issubset(records)
    assert 31688362 not in records  # listed in a DeleteCitation only
    assert 35767954 not in records  # cited in ErratumIn only
    assert b'<PMID Version="2">34017925</PMID>' in records[34017925]


def test_the_converter_answers_from_the_recorded_ids_in_the_current_shape(standin):
    query = urllib.parse.urlencode({"ids": "PMC1868567,PMC999", "format": "json"})

    status, _, body = get(f"{standin.idconv_url}?{query}")

    assert status == 200
    found, missing = json.loads(body)["records"]
    assert found == {
        "requested-id": "PMC1868567",
        "pmcid": "PMC1868567",
        "pmid": 17401604,
        "doi": "10.1007/s10162-007-0081-z",
    }
    assert missing["status"] == "error"
    assert missing["requested-id"] == "PMC999"


def test_requests_are_recorded_with_whether_a_key_was_sent(standin):
    efetch(standin, "9997", api_key=API_KEY, tool="t")
    efetch(standin, "9997")

    with_key, without = standin.requests
    assert with_key.has_api_key and not without.has_api_key
    assert with_key.params["tool"] == ["t"]
    assert with_key.path == "/entrez/eutils/efetch.fcgi"
    assert with_key.time <= without.time


def test_the_control_url_switches_failure_modes_and_lists_requests(standin):
    post(f"{standin.url}/_control/fail", {"mode": "status", "status": 503, "times": 2})

    statuses = [efetch(standin, "9997")[0] for _ in range(3)]

    assert statuses == [503, 503, 200]
    _, _, listed = get(f"{standin.url}/_control/requests")
    assert [r["path"] for r in json.loads(listed)] == ["/entrez/eutils/efetch.fcgi"] * 3
    post(f"{standin.url}/_control/reset")
    assert standin.requests == []


def test_the_control_url_rejects_an_unknown_mode(standin):
    with pytest.raises(urllib.error.HTTPError) as raised:
        post(f"{standin.url}/_control/fail", {"mode": "explode"})

    assert raised.value.code == 400


def test_a_fault_for_a_duration_lasts_until_reset(standin):
    standin.fail("html", seconds=60)

    assert [efetch(standin, "9997")[2][:15] for _ in range(3)] == [b"<!DOCTYPE html>"] * 3
    standin.reset()
    assert efetch(standin, "9997")[0] == 200


def test_a_429_carries_ncbis_json_body_echoing_the_key(standin):
    standin.fail("status", status=429, retry_after="1")

    status, headers, body = efetch(standin, "9997", api_key=API_KEY)

    recorded = json.loads((NCBI_FIXTURES / "eutils_http429_rate_limit_body.json").read_text())
    answer = json.loads(body)
    assert status == 429
    assert headers["Retry-After"] == "1"
    assert answer.keys() == recorded.keys()
    assert answer["api-key"] == API_KEY
    assert answer["limit"] == "10"


def test_an_error_fault_answers_an_eutils_error_body(standin):
    standin.fail("error", text="Invalid db name specified: x & y")

    status, _, body = efetch(standin, "9997")

    assert status == 200
    assert ET.fromstring(body).find("ERROR").text == "Invalid db name specified: x & y"


def test_a_timeout_fault_holds_the_connection_past_the_clients_timeout(standin):
    standin.fail("timeout", hold=5)

    with pytest.raises(TimeoutError):
        urllib.request.urlopen(f"{standin.eutils_url}efetch.fcgi?db=pubmed&id=9997", timeout=0.2)


def test_a_truncate_fault_closes_the_connection_mid_body(standin):
    standin.fail("truncate")

    url = f"{standin.eutils_url}efetch.fcgi?db=pubmed&id=9997"
    with urllib.request.urlopen(url) as r, pytest.raises(http.client.IncompleteRead):
        r.read()


def test_a_partial_fault_sends_a_whole_answer_of_cut_xml(standin):
    standin.fail("partial")

    status, _, body = efetch(standin, "9997")

    assert status == 200
    with pytest.raises(ET.ParseError):
        ET.fromstring(body)


def test_faults_are_served_in_the_order_given(standin):
    standin.fail("status", status=429)
    standin.fail("status", status=502)

    assert [efetch(standin, "9997")[0] for _ in range(3)] == [429, 502, 200]


def test_an_unknown_mode_or_option_is_refused(standin):
    with pytest.raises(ValueError):
        standin.fail("explode")
    with pytest.raises(ValueError):
        standin.fail("status", colour="red")


def test_a_stand_in_without_records_answers_the_empty_set():
    server = Standin().start()
    try:
        _, _, body = efetch(server, "9997")
    finally:
        server.stop()

    assert record_pmids(body) == []


def test_the_command_serves_the_fixtures_and_says_where(monkeypatch):
    served = []
    monkeypatch.setattr(Standin, "serve_forever", lambda self: served.append(self))
    out = io.StringIO()

    call_command("eutils_standin", "--port", "0", stdout=out)

    assert len(served[0].records) == 28
    # fixtures/ncbi holds one recorded esummary answer, for ten genes.
    assert len(served[0].gene_summaries) == 10
    assert "Serving 28 PubMed records and 10 gene summaries" in out.getvalue()
    assert "NCBI_EUTILS_URL=http://127.0.0.1:" in out.getvalue()


def test_the_command_refuses_a_missing_records_folder(tmp_path):
    with pytest.raises(CommandError, match="not a folder"):
        call_command("eutils_standin", "--records", str(tmp_path / "nowhere"))
