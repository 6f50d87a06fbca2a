"""Client for NCBI E-utilities efetch and the PMC ID converter.

A plain module: no Celery, no ORM, and Django only inside ``from_settings``.
Tasks call it and decide what to store; see /work/shared/NCBI.md for the
facts it follows.

- ``efetch_pubmed(pmids)`` POSTs ``efetch.fcgi`` in batches of at most 200 and
  yields an ``EfetchBatch`` per request: the raw XML for the parser plus which
  requested PMIDs came back, which were deleted and which are missing.
- ``idconv(ids)`` maps DOIs and PMCIDs to PMIDs (None when not found).
- ``esummary_gene(gene_ids)`` POSTs ``esummary.fcgi`` (db=gene, JSON) in
  batches of at most 200 and returns each NCBI Gene ID's document summary
  (None when NCBI has none).

Every attempt waits for the shared rate limiter first. Failures that may pass
(429, 5xx, NCBI's relayed 502 inside a 400, timeouts, connection and read
errors, cut or malformed bodies, HTML maintenance pages) are retried with
exponential backoff and full jitter, at least Retry-After, a bounded number of
times, then raised as ``TransientError``. Bad input is not retried
(``BadRequest``), and ``<ERROR>`` answers raise ``ResponseError``. The API key
is sent in POST bodies, never in URLs, and never appears in messages or logs.
"""

import email.utils
import http.client
import json
import logging
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import partial

from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from references.ratelimit import LocalRateLimiter, allowed_rate, shared_rate_limiter

log = logging.getLogger(__name__)

EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
IDCONV_URL = "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/"
MAX_BATCH = 200
# A 400 carrying one of these is NCBI's proxy failing to reach the PubMed
# backend, a 502 in disguise (cyanheads/pubmed-mcp-server#155).
RELAYED_BACKEND_ERRORS = ("proxy_stream", "PubOne")
# Where a PMID names a record of the set; PMIDs elsewhere (CommentsCorrections,
# ReferenceList) name other papers.
RECORD_PMID = ("PubmedArticleSet", "PubmedArticle", "MedlineCitation", "PMID")
BOOK_PMID = ("PubmedArticleSet", "PubmedBookArticle", "BookDocument", "PMID")
DELETED_PMID = ("PubmedArticleSet", "DeleteCitation", "PMID")


class EutilsError(Exception):
    """Base class of the client's errors."""


class TransientError(EutilsError):
    """NCBI kept failing in a way that may pass; retry later.

    ``attempts`` were made; ``status`` is the last HTTP status (None for a
    network error) and ``retry_after`` the seconds NCBI last asked to wait.
    """

    def __init__(self, message, *, attempts, status=None, retry_after=None):
        super().__init__(message)
        self.attempts = attempts
        self.status = status
        self.retry_after = retry_after


class BadRequest(EutilsError):
    """NCBI refused the request itself (a 4xx other than 429); retrying cannot help.

    ``messages`` holds its ``<ERROR>`` texts: "ID list is empty! ..." means
    none of the ids sent was valid.
    """

    def __init__(self, message, *, status, messages=()):
        super().__init__(message)
        self.status = status
        self.messages = list(messages)


class ResponseError(EutilsError):
    """An HTTP 200 answer that is an error: ``<ERROR>`` in XML, or the ID
    converter's request-level ``{"status": "error"}``. ``messages`` holds the texts."""

    def __init__(self, message, *, messages):
        super().__init__(message)
        self.messages = list(messages)


@dataclass(frozen=True)
class EfetchBatch:
    """One efetch answer: the raw XML and how it covers the PMIDs asked for."""

    requested: tuple  # PMIDs sent, in order
    returned: frozenset  # PMIDs of PubmedArticle and PubmedBookArticle records in `xml`
    deleted: frozenset  # PMIDs in a DeleteCitation block
    xml: bytes

    @property
    def missing(self):
        """Requested PMIDs with no record: deleted, merged or not (yet) in PubMed."""
        return tuple(p for p in self.requested if p not in self.returned | self.deleted)


class _Failed(Exception):
    """One attempt's failure; `error` is the class to raise if it is not retried."""

    def __init__(self, reason, *, error=TransientError, status=None, messages=(), retry_after=None):
        super().__init__(reason)
        self.reason = reason
        self.error = error
        self.status = status
        self.messages = list(messages)
        self.retry_after = retry_after


class EutilsClient:
    """A client for efetch and the ID converter. Safe to share between threads."""

    def __init__(
        self,
        *,
        base_url=EUTILS_URL,
        idconv_url=IDCONV_URL,
        tool,
        email="",
        api_key=None,
        rate_limiter=None,
        timeout=30.0,
        max_attempts=5,
        backoff=1.0,
        max_backoff=60.0,
        batch_size=MAX_BATCH,
        sleep=time.sleep,
        clock=time.time,
        random=random.random,
    ):
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {MAX_BATCH}")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.base_url = base_url.rstrip("/") + "/"
        self.idconv_url = idconv_url
        self.tool = tool
        self.email = email
        self._api_key = api_key or None
        self.rate_limiter = rate_limiter or LocalRateLimiter(allowed_rate(api_key))
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.batch_size = batch_size
        self._sleep = sleep
        self._clock = clock
        self._random = random

    @classmethod
    def from_settings(cls, **overrides):
        """A client configured by NCBI_* and REDIS_URL in Django settings."""
        from django.conf import settings

        api_key = settings.NCBI_API_KEY or None
        options = {
            "base_url": settings.NCBI_EUTILS_URL,
            "idconv_url": settings.NCBI_IDCONV_URL,
            "tool": settings.NCBI_TOOL,
            "email": settings.NCBI_EMAIL,
            "api_key": api_key,
            "max_attempts": settings.NCBI_ATTEMPTS,
            "timeout": settings.NCBI_TIMEOUT,
            **overrides,
        }
        if "rate_limiter" not in options:
            options["rate_limiter"] = shared_rate_limiter(
                api_key=api_key,
                redis_url=settings.REDIS_URL,
                rate=settings.NCBI_RATE_LIMIT,
            )
        return cls(**options)

    def efetch_pubmed(self, pmids):
        """Fetch PubMed records, yielding one ``EfetchBatch`` per POST of at most ``batch_size``.

        PMIDs (ints or strings such as "PMID: 123") are normalised and
        de-duplicated first; an invalid one raises ValueError before any
        request. Batches are fetched one at a time as the caller iterates, so
        it can store each before the next is asked for.
        """
        wanted = list(dict.fromkeys(normalize_pmid(p) for p in pmids))
        return (self._efetch(tuple(batch)) for batch in _chunks(wanted, self.batch_size))

    def idconv(self, ids):
        """Map DOIs and PMCIDs to PMIDs: ``{id as given: PMID, or None if not found}``.

        The converter only knows articles in PMC, so None is common. Ids of
        each type go in their own requests of at most 200. An id that is
        neither a DOI nor a PMCID ("PMC...") raises ValueError first.
        """
        groups = {"doi": {}, "pmcid": {}}  # idtype -> {normalised id: [ids as given]}
        for given in ids:
            idtype, key = _classify(given)
            groups[idtype].setdefault(key, []).append(given)
        result = {}
        for idtype, wanted in groups.items():
            for chunk in _chunks(list(wanted), MAX_BATCH):
                # The converter takes no API key: sending it there would only spread it.
                params = {"ids": ",".join(chunk), "idtype": idtype, "format": "json"}
                params.update(self._identity(api_key=False))
                read = partial(_read_idconv, idtype, set(chunk))
                found = self._call("ID converter", self.idconv_url, params, read, expect="JSON")
                for key in chunk:
                    for given in wanted[key]:
                        result[given] = found.get(key)
        return result

    def esummary_gene(self, gene_ids):
        """Document summaries of NCBI Gene records: ``{Gene ID: dict, or None}``.

        None means NCBI has no summary for that ID (its per-UID "error"). A
        discontinued or merged ID still has one, with ``status`` and
        ``currentid`` saying so. Gene IDs that are not positive whole numbers
        raise ValueError before any request.
        """
        wanted = list(dict.fromkeys(_gene_id(i) for i in gene_ids))
        found = {}
        for chunk in _chunks(wanted, self.batch_size):
            params = {"db": "gene", "retmode": "json", "id": ",".join(map(str, chunk))}
            params.update(self._identity(api_key=True))
            read = partial(_read_esummary, chunk)
            url = self.base_url + "esummary.fcgi"
            found.update(self._call("esummary", url, params, read, expect="JSON", post=True))
        return found

    def _efetch(self, pmids):
        params = {"db": "pubmed", "retmode": "xml", "id": ",".join(map(str, pmids))}
        params.update(self._identity(api_key=True))
        read = partial(_read_efetch, pmids)
        url = self.base_url + "efetch.fcgi"
        return self._call("efetch", url, params, read, expect="XML", post=True)

    def _call(self, name, url, params, read, *, expect, post=False):
        """Send until `read` accepts an answer's body, retrying what may pass.

        An answer that is not a 2xx, or is an HTML page instead of `expect`, fails before `read`.
        """
        data = urllib.parse.urlencode(params)
        for attempt in range(1, self.max_attempts + 1):
            self.rate_limiter.acquire()
            try:
                status, headers, body = self._send(url, data, post=post)
                _check_answer(status, headers, body, expect)
                return read(body)
            except _Failed as failed:
                failure = failed
            if failure.error is not TransientError:
                messages = [self._redact(m) for m in failure.messages]
                detail = f": {'; '.join(messages)}" if messages else ""
                message = f"{name} {failure.reason}{detail}"
                if failure.error is BadRequest:
                    raise BadRequest(message, status=failure.status, messages=messages)
                raise ResponseError(message, messages=messages)
            retry_after = self._retry_after(failure.retry_after)
            delay = self._delay(attempt, retry_after)
            if attempt == self.max_attempts or delay is None:
                break
            log.warning(
                "%s attempt %d of %d failed (%s); retrying in %.1f s",
                name,
                attempt,
                self.max_attempts,
                self._redact(failure.reason),
                delay,
            )
            self._sleep(delay)
        raise TransientError(
            f"{name} failed after {attempt} attempt(s); last: {self._redact(failure.reason)}",
            attempts=attempt,
            status=failure.status,
            retry_after=retry_after,
        ) from failure.__cause__

    def _identity(self, *, api_key):
        """The parameters NCBI asks every request to carry, without empty ones."""
        identity = {"tool": self.tool, "email": self.email}
        if api_key:
            identity["api_key"] = self._api_key
        return {name: value for name, value in identity.items() if value}

    def _send(self, url, data, *, post):
        """One HTTP exchange: (status, headers, body), or _Failed when there is no whole answer."""
        headers = {"User-Agent": f"{self.tool} (Python urllib)"}
        if post:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            request = urllib.request.Request(url, data=data.encode(), headers=headers)
        else:
            request = urllib.request.Request(f"{url}?{data}", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as e:
            try:
                return e.code, e.headers, e.read()
            except (OSError, http.client.HTTPException):
                return e.code, e.headers, b""
            finally:
                e.close()
        except (OSError, http.client.HTTPException) as e:
            raise _Failed(_describe(e, self.timeout)) from e

    def _delay(self, attempt, retry_after):
        """Seconds before the next attempt, or None to give up because NCBI asks for longer."""
        if retry_after is not None and retry_after > self.max_backoff:
            return None
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return max(self._random() * ceiling, retry_after or 0.0)

    def _retry_after(self, value):
        """Retry-After in seconds (it may be a number or an HTTP date), or None."""
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - self._clock())

    def _redact(self, text):
        return text.replace(self._api_key, "[api_key]") if self._api_key else text


def _describe(error, timeout):
    if isinstance(error, urllib.error.URLError):
        error = error.reason if isinstance(error.reason, Exception) else error
    if isinstance(error, TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(error, http.client.IncompleteRead):
        return f"body cut short ({len(error.partial)} bytes read, {error.expected} more expected)"
    if isinstance(error, http.client.RemoteDisconnected):
        return "connection closed without an answer"
    return f"connection failed ({type(error).__name__}: {error})"


def _chunks(items, size):
    return [items[start : start + size] for start in range(0, len(items), size)]


def _check_answer(status, headers, body, expect):
    """Raise _Failed for any answer but a 2xx that is not an HTML page."""
    if 200 <= status < 300:
        if "html" in (headers.get("Content-Type") or "").lower():
            raise _Failed(f"answered with an HTML page instead of {expect} (maintenance?)")
        return
    retry_after = headers.get("Retry-After")
    if status == 429:
        raise _Failed("HTTP 429: rate limit exceeded", status=status, retry_after=retry_after)
    if status >= 500:
        raise _Failed(f"HTTP {status}", status=status, retry_after=retry_after)
    messages = _error_messages(body)
    if any(marker in m for m in messages for marker in RELAYED_BACKEND_ERRORS):
        raise _Failed(f"HTTP {status}: NCBI could not reach its backend", status=status)
    raise _Failed(
        f"rejected the request (HTTP {status})", error=BadRequest, status=status, messages=messages
    )


def _error_messages(body):
    """The texts of an error body: XML ``<ERROR>`` elements or a JSON ``message``."""
    try:
        return [e.text.strip() for e in ET.fromstring(body).iter("ERROR") if e.text]
    except ET.ParseError:
        pass
    try:
        data = json.loads(body)
    except ValueError:
        return []
    message = (data.get("message") or data.get("error")) if isinstance(data, dict) else None
    return [urllib.parse.unquote(str(message))] if message else []


def _read_efetch(requested, body):
    try:
        root, returned, deleted, errors = _scan_pubmed_set(body)
    except (ET.ParseError, ValueError) as e:
        raise _Failed(f"answered with truncated or malformed XML ({e})") from None
    if errors:
        if any(marker in m for m in errors for marker in RELAYED_BACKEND_ERRORS):
            raise _Failed("could not reach NCBI's backend")
        raise _Failed("answered with an error", error=ResponseError, messages=errors)
    if root != "PubmedArticleSet":
        raise _Failed(f"answered with <{root}> instead of <PubmedArticleSet>")
    return EfetchBatch(requested, frozenset(returned), frozenset(deleted), body)


def _scan_pubmed_set(body):
    """(root tag, record PMIDs, deleted PMIDs, <ERROR> texts); ParseError if not whole XML."""
    returned, deleted, errors = set(), set(), []
    path, root = [], []
    parser = ET.XMLPullParser(("start", "end"))

    def scan():
        for event, element in parser.read_events():
            if event == "start":
                root[:] = root or [element.tag]
                path.append(element.tag)
                continue
            where = tuple(path)
            if where in (RECORD_PMID, BOOK_PMID):
                returned.add(int(element.text))
            elif where == DELETED_PMID:
                deleted.add(int(element.text))
            elif element.tag == "ERROR" and element.text:
                errors.append(element.text.strip())
            if len(path) == 2:
                element.clear()  # a whole record read: keep memory flat
            path.pop()

    for start in range(0, len(body), 1 << 16):
        parser.feed(body[start : start + (1 << 16)])
        scan()
    parser.close()
    scan()
    return root[0], returned, deleted, errors


def _gene_id(value):
    text = str(value).strip()
    if not text.isdigit() or int(text) <= 0:
        raise ValueError(f"{value!r} is not an NCBI Gene ID (a positive whole number)")
    return int(text)


def _read_esummary(requested, body):
    """{Gene ID: document or None} from an esummary db=gene JSON answer."""
    try:
        data = json.loads(body)
    except ValueError as e:
        # NCBI answers some errors in XML whatever retmode asked for ("Invalid db name").
        errors = _error_messages(body)
        if errors:
            raise _Failed("answered with an error", error=ResponseError, messages=errors) from None
        raise _Failed(f"answered with truncated or malformed JSON ({e})") from None
    if not isinstance(data, dict):
        raise _Failed("answered with JSON that is not an esummary result")
    errors = data.get("error") or data.get("esummaryresult")
    if errors:
        messages = [errors] if isinstance(errors, str) else [str(e) for e in errors]
        raise _Failed("answered with an error", error=ResponseError, messages=messages)
    result = data.get("result")
    if not isinstance(result, dict):
        raise _Failed("answered with JSON that has no esummary result")
    found = {}
    for gene_id in requested:
        document = result.get(str(gene_id))
        found[gene_id] = (
            document if isinstance(document, dict) and "error" not in document else None
        )
    return found


def _classify(given):
    """('pmcid' or 'doi', the normalised id) for an id as a curator gave it."""
    text = str(given).strip()
    if text[:3].upper() == "PMC":
        return "pmcid", normalize_pmcid(text.split(".")[0])
    return "doi", normalize_doi(text)


def _normalised(idtype, value):
    try:
        kind, key = _classify(value)
    except ValueError:
        return None
    return key if kind == idtype else None


def _read_idconv(idtype, wanted, body):
    """{normalised id: PMID or None} from an ID converter answer (2017 or current shape)."""
    try:
        data = json.loads(body)
    except ValueError as e:
        raise _Failed(f"answered with truncated or malformed JSON ({e})") from None
    if not isinstance(data, dict) or data.get("status") == "error" or "records" not in data:
        raise _Failed("refused the request", error=ResponseError, messages=_error_messages(body))
    found = {}
    for record in data["records"]:
        # The 2017 shape names the record by its ids; the current one adds "requested-id".
        for candidate in (record.get("requested-id"), record.get(idtype)):
            key = candidate and _normalised(idtype, candidate)
            if key in wanted:
                pmid = record.get("pmid")
                found[key] = int(pmid) if pmid and record.get("status") != "error" else None
                break
    return found
