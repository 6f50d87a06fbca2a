"""A local stand-in for NCBI E-utilities efetch, esummary and the PMC ID converter.

It answers ``efetch.fcgi`` (GET or POST, ``db=pubmed``) from recorded PubMed
XML, ``esummary.fcgi`` (``db=gene``, JSON) from recorded gene document
summaries, and the ID converter (any path containing ``idconv``) from a small table
of articles, so tests and offline demos need no network. Tests start it on a
free port (``tests/eutils_helpers.py``); ``manage.py eutils_standin`` runs it
by hand.

It can be told to misbehave the way NCBI does, for the next N requests or for
a number of seconds: ``fail(mode, times=1, seconds=None, **options)`` in
Python, or ``POST /_control/fail`` with the same arguments as JSON. Modes:

- ``status``: an HTTP error (``status``, default 503; 429 gets NCBI's JSON
  body), with ``retry_after`` as a Retry-After header if given.
- ``error``: an E-utilities ``<ERROR>text</ERROR>`` body (``status`` default 200).
- ``html``: a maintenance page served as text/html (``status`` default 200).
- ``timeout``: hold the connection ``hold`` seconds (default 5), then close it
  without answering.
- ``truncate``: announce the full Content-Length, send half the body, close.
- ``partial``: a complete HTTP answer whose XML stops halfway.
- ``reply``: any ``body`` with ``status`` and ``content_type``.

Every API request is recorded (``requests``, or ``GET /_control/requests``);
``reset()`` or ``POST /_control/reset`` forgets faults and requests.
"""

import json
import logging
import re
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import asdict, dataclass, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

log = logging.getLogger(__name__)

SET_HEAD = (
    b'<?xml version="1.0" ?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
    b"<PubmedArticleSet>\n"
)
SET_TAIL = b"</PubmedArticleSet>\n"
# Records never nest, so a record's bytes run from its start tag to the first matching end tag.
RECORD_RE = re.compile(rb"<(PubmedArticle|PubmedBookArticle)\b[^>]*>.*?</\1>", re.S)
MAINTENANCE_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>NCBI - Service unavailable</title></head>\n"
    b"<body><h1>Service unavailable</h1><p>This service is down for maintenance. "
    b"Please try again later.</p></body></html>\n"
)
MODES = {"status", "error", "html", "timeout", "truncate", "partial", "reply"}


@dataclass
class Request:
    time: float  # time.monotonic() when the request arrived
    method: str
    path: str
    query: dict  # name -> [values] from the URL
    form: dict  # name -> [values] from a form-encoded body
    content_type: str

    @property
    def params(self):
        merged = {name: list(values) for name, values in self.query.items()}
        for name, values in self.form.items():
            merged.setdefault(name, []).extend(values)
        return merged

    @property
    def has_api_key(self):
        return "api_key" in self.params


@dataclass
class Fault:
    mode: str
    times: int | None = 1
    until: float | None = None
    status: int | None = None
    text: str = ""
    body: str = ""
    content_type: str = "text/plain"
    retry_after: str | None = None
    hold: float = 5.0


def index_records(folder):
    """PMID -> record bytes for every PubmedArticle and PubmedBookArticle in `folder`/*.xml.

    DeleteCitation blocks are not records and are left out. When a PMID comes in
    several versions (Wellcome Open Research), efetch serves the latest.
    """
    records, versions = {}, {}
    for path in sorted(Path(folder).glob("*.xml")):
        for match in RECORD_RE.finditer(path.read_bytes()):
            element = ET.fromstring(match.group(0))
            pmid = element.find("MedlineCitation/PMID")
            if pmid is None:
                pmid = element.find("BookDocument/PMID")
            number, version = int(pmid.text), int(pmid.get("Version", "1"))
            if version >= versions.get(number, 0):
                records[number], versions[number] = match.group(0), version
    return records


def load_idconv_articles(folder):
    """The articles found in recorded ID converter answers (`folder`/idconv_*.json)."""
    articles = []
    for path in sorted(Path(folder).glob("idconv_*.json")):
        for record in json.loads(path.read_text()).get("records", []):
            if record.get("status") != "error" and record.get("pmcid"):
                articles.append({key: record.get(key) for key in ("pmid", "pmcid", "doi")})
    return articles


def load_gene_summaries(folder):
    """The gene documents of recorded esummary answers (`folder`/esummary_gene*.json)."""
    documents = []
    for path in sorted(Path(folder).glob("esummary_gene*.json")):
        result = json.loads(path.read_text()).get("result", {})
        documents.extend(result[uid] for uid in result.get("uids", []) if uid in result)
    return documents


def articles_in_records(records):
    """Articles for the ID converter from the PMC ids in recorded PubMed records."""
    articles = []
    for pmid, record in records.items():
        ids = ET.fromstring(record).findall("PubmedData/ArticleIdList/ArticleId")
        by_type = {item.get("IdType"): (item.text or "").strip() for item in ids}
        if by_type.get("pmc"):
            articles.append({"pmid": str(pmid), "pmcid": by_type["pmc"], "doi": by_type.get("doi")})
    return articles


class Standin:
    """The stand-in server. Bind happens at construction, so `url` is known at once."""

    def __init__(
        self, records_dir=None, *, articles=(), gene_summaries=(), host="127.0.0.1", port=0
    ):
        self.records = index_records(records_dir) if records_dir else {}
        self.gene_summaries = {}
        for document in gene_summaries:
            self.add_gene_summary(document)
        self._articles = {}
        for article in [*articles_in_records(self.records), *articles]:
            self.add_article(**article)
        self._lock = threading.Lock()
        self._faults = []
        self._requests = []
        self._release = threading.Event()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.standin = self
        self._thread = None

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def eutils_url(self):
        return f"{self.url}/entrez/eutils/"

    @property
    def idconv_url(self):
        return f"{self.url}/tools/idconv/api/v1/articles/"

    def add_article(self, *, pmid=None, pmcid=None, doi=None):
        article = {"pmid": int(pmid) if pmid else None, "pmcid": pmcid, "doi": doi}
        for key in (pmcid and pmcid.split(".")[0].upper(), doi and doi.lower(), pmid and str(pmid)):
            if key:
                self._articles[key] = article

    def add_gene_summary(self, document):
        """Serve `document` (one esummary db=gene JSON document, with its "uid")."""
        self.gene_summaries[int(document["uid"])] = document

    def start(self):
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def serve_forever(self):
        self._server.serve_forever(poll_interval=0.05)

    def stop(self):
        """Stop serving (if `start` started it) and close the socket."""
        self._release.set()
        if self._thread:
            # shutdown() waits for serve_forever to end, so only call it when one runs.
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()

    def fail(self, mode, *, times=1, seconds=None, **options):
        """Spoil the next `times` API requests, or all of them for `seconds`, with `mode`."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; choose from {sorted(MODES)}")
        unknown = set(options) - {f.name for f in fields(Fault)} - {"mode", "times", "until"}
        if unknown:
            raise ValueError(f"unknown options {sorted(unknown)}")
        until = None
        if seconds is not None:
            times, until = None, time.monotonic() + seconds
        with self._lock:
            self._faults.append(Fault(mode, times=times, until=until, **options))

    def reset(self):
        with self._lock:
            self._faults.clear()
            self._requests.clear()
        # Let go of connections held by a `timeout` fault.
        self._release.set()
        self._release.clear()

    @property
    def requests(self):
        with self._lock:
            return list(self._requests)

    def _record(self, request):
        with self._lock:
            self._requests.append(request)
            recent = sum(1 for r in self._requests if r.time > request.time - 1.0)
            while self._faults:
                fault = self._faults[0]
                if fault.until is not None and time.monotonic() >= fault.until:
                    self._faults.pop(0)
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.pop(0)
                return fault, recent
            return None, recent

    def efetch(self, params):
        """(status, content type, body) for an efetch request."""
        db = params.get("db", [""])[0]
        if db != "pubmed":
            return error_body(f"Invalid db name specified: {db}")
        pmids = [int(i) for i in _ids(params, "id") if i.isdigit() and int(i) > 0]
        if not pmids:
            return error_body("ID list is empty! Possibly it has no correct IDs.", 400)
        found = [self.records[p] for p in dict.fromkeys(pmids) if p in self.records]
        return 200, "text/xml; charset=UTF-8", SET_HEAD + b"\n".join(found) + b"\n" + SET_TAIL

    def esummary(self, params):
        """(status, content type, body) for an esummary request (db=gene, JSON)."""
        db = params.get("db", [""])[0]
        if db != "gene":
            return error_body(f"Invalid db name specified: {db}", root="eSummaryResult")
        ids = _ids(params, "id")
        if not ids:
            return error_body("Neither query_key nor id specified", root="eSummaryResult")
        result = {"uids": ids}
        for uid in ids:
            document = self.gene_summaries.get(int(uid)) if uid.isdigit() else None
            result[uid] = document or {"uid": uid, "error": "cannot get document summary"}
        return json_body({"header": {"type": "esummary", "version": "0.3"}, "result": result})

    def idconv(self, params):
        """(status, content type, body) for an ID converter request, in the current JSON shape."""
        idtype = params.get("idtype", [None])[0]
        ids = _ids(params, "ids")
        if idtype not in (None, "pmcid", "pmid", "doi") or not ids:
            message = f"ID%20type%20of%20%27{idtype}%27%20is%20unknown" if ids else "No%20ids"
            return json_body({"status": "error", "message": message})
        records = []
        for requested in ids:
            key = requested.lower() if requested.startswith("10.") else requested.upper()
            article = self._articles.get(key.split(".")[0] if key.startswith("PMC") else key)
            if article:
                found = {name: value for name, value in article.items() if value}
                records.append({"requested-id": requested, **found})
            else:
                records.append(
                    {
                        "requested-id": requested,
                        "status": "error",
                        "errmsg": "Identifier not found in PMC",
                    }
                )
        return json_body(
            {"status": "ok", "responseDate": time.strftime("%Y-%m-%d %H:%M:%S"), "records": records}
        )


def _ids(params, name):
    """The ids of the comma-separated `name` parameters, blanks left out."""
    return [i.strip() for value in params.get(name, []) for i in value.split(",") if i.strip()]


def error_body(text, status=200, root="eFetchResult"):
    """An E-utilities <ERROR> answer: XML whatever retmode was asked for
    (fixtures/ncbi/esummary_error_invalid_db.xml)."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<{root}>\n\t<ERROR>{escape(text)}</ERROR>\n</{root}>\n"
    )
    return status, "text/xml; charset=UTF-8", body.encode()


def json_body(data, status=200):
    return status, "application/json", json.dumps(data).encode()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def log_message(self, format, *args):
        log.info("%s %s", self.address_string(), format % args)

    def _handle(self):
        arrived = time.monotonic()
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if url.path.startswith("/_control"):
            return self._control(url.path, body)
        content_type = self.headers.get("Content-Type", "")
        form = parse_qs(body.decode()) if "form-urlencoded" in content_type else {}
        request = Request(arrived, self.command, url.path, parse_qs(url.query), form, content_type)
        standin = self.server.standin
        fault, recent = standin._record(request)
        if url.path.endswith("efetch.fcgi"):
            answer = standin.efetch(request.params)
        elif url.path.endswith("esummary.fcgi"):
            answer = standin.esummary(request.params)
        elif "idconv" in url.path:
            answer = standin.idconv(request.params)
        else:
            answer = (404, "text/plain", b"Not found\n")
        if fault:
            answer = self._spoil(fault, answer, request, recent)
        if answer:
            self._send(*answer)

    def _spoil(self, fault, answer, request, recent):
        """The answer `fault` makes of `answer`, or None when it answers nothing."""
        status, content_type, body = answer
        if fault.mode == "status":
            status = fault.status or 503
            if status == 429:
                # NCBI's 429 body (fixtures/ncbi/eutils_http429_rate_limit_body.json) echoes the
                # caller's key, or its IP address without one.
                caller = request.params.get("api_key", [self.client_address[0]])[0]
                limit = "10" if request.has_api_key else "3"
                error = {"error": "API rate limit exceeded", "api-key": caller}
                body = json.dumps({**error, "count": str(recent), "limit": limit}).encode()
                content_type = "application/json"
            else:
                body, content_type = f"HTTP {status}\n".encode(), "text/plain"
            return status, content_type, body, fault.retry_after
        if fault.mode == "error":
            return error_body(fault.text, fault.status or 200)
        if fault.mode == "html":
            return fault.status or 200, "text/html; charset=UTF-8", MAINTENANCE_PAGE
        if fault.mode == "reply":
            return fault.status or 200, fault.content_type, fault.body.encode()
        if fault.mode == "partial":
            return status, content_type, body[: len(body) // 2]
        if fault.mode == "truncate":
            self._send(status, content_type, body[: len(body) // 2], length=len(body))
            return None
        self.server.standin._release.wait(fault.hold)  # timeout: answer nothing
        return None

    def _send(self, status, content_type, body, retry_after=None, length=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            if retry_after is not None:
                self.send_header("Retry-After", str(retry_after))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first (its own timeout)

    def _control(self, path, body):
        standin = self.server.standin
        if path == "/_control/requests":
            return self._send(*json_body([asdict(r) for r in standin.requests]))
        if path == "/_control/reset" and self.command == "POST":
            standin.reset()
            return self._send(*json_body({"status": "ok"}))
        if path == "/_control/fail" and self.command == "POST":
            try:
                standin.fail(**json.loads(body or b"{}"))
            except (TypeError, ValueError) as e:
                return self._send(*json_body({"status": "error", "message": str(e)}, 400))
            return self._send(*json_body({"status": "ok"}))
        return self._send(404, "text/plain", b"Not found\n")
