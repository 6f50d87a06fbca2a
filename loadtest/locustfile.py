"""Locust users for the load test: the public reads while curators write and reviewers decide.

Run by loadtest.run, which starts the stack and writes the JSON file LOAD_CONFIG names:
accounts with API tokens, the genes and references to read, PMIDs the E-utilities
stand-in knows and ones it does not. At the end the users' own record (responses by
status, expected refusals, the claims approved) goes to the file LOAD_RESULTS names.

Every response is judged here: a status the step does not expect is a failure, and a
409 where two users race for one claim is an expected refusal, counted but not failed.
LOAD_MAX_REQUESTS stops the run after that many requests, whatever its time.
"""

import itertools
import json
import os
import random
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

CONFIG = json.loads(Path(os.environ["LOAD_CONFIG"]).read_text())
GENES = CONFIG["genes"]
SEARCHES = [*GENES[:10], "interferon", "IFN-ALPHAJ", "transcription factor", "viral infection"]
VERBS = ("regulates", "binds", "is induced by", "represses", "interacts with")
WORDS = ("interferon", "signalling", "innate", "immunity", "promoter", "mouse", "patients")
SECTIONS = ("summary", "function", "interactions", "expression", "clinical")
CURATORS = itertools.cycle(CONFIG["curators"])
REVIEWERS = itertools.cycle(CONFIG["reviewers"])

statuses = defaultdict(Counter)  # request name -> status -> count
refusals = Counter()  # "name code" -> count, for the expected refusals
outcomes = Counter()  # what the writers did: claims created, approvals, skips...
approved = []  # ids of the claims whose approval answered 200
requests_made = 0
locust_environment = None


@events.init.add_listener
def on_init(environment, **kwargs):
    global locust_environment
    locust_environment = environment


@events.request.add_listener
def on_request(name, response, exception, **kwargs):
    global requests_made
    status = getattr(response, "status_code", 0) or 0
    statuses[name][str(status)] += 1
    requests_made += 1
    if requests_made == int(os.environ.get("LOAD_MAX_REQUESTS", "0") or 0):
        # Quit from a greenlet of its own: this one belongs to a user the runner stops.
        gevent.spawn(locust_environment.runner.quit)


def summary(entry, seconds):
    """Locust's figures for one endpoint (or all): count, req/s, median, p99, max (ms)."""
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "rps": round(entry.num_requests / seconds, 1),
        "p50": entry.get_response_time_percentile(0.5),
        "p99": entry.get_response_time_percentile(0.99),
        "max": round(entry.max_response_time or 0),
    }


@events.quitting.add_listener
def on_quitting(environment, **kwargs):
    # Read at quitting, once every user has stopped (locust writes its CSV files before).
    stats = environment.stats
    seconds = max(0.001, (stats.total.last_request_timestamp or 0) - stats.total.start_time)
    results = {
        "seconds": round(seconds, 1),
        "endpoints": {e.name: summary(e, seconds) for e in stats.entries.values()},
        "total": summary(stats.total, seconds),
        "errors": [
            {"name": e.name, "error": e.error, "occurrences": e.occurrences}
            for e in stats.errors.values()
        ],
        "statuses": statuses,
        "refusals": refusals,
        "outcomes": outcomes,
        "approved": approved,
    }
    Path(os.environ["LOAD_RESULTS"]).write_text(json.dumps(results, indent=1))


def call(client, method, url, name, expect=(200,), refuse=(), **kwargs):
    """Send one request; a status in `refuse` is an expected refusal. The response, or None."""
    with client.request(method, url, name=name, catch_response=True, **kwargs) as response:
        if response.status_code in expect:
            response.success()
            return response
        if response.status_code in refuse:
            response.success()
            try:
                code = response.json().get("code", "")
            except ValueError:
                code = "not JSON"
            refusals[f"{name} {response.status_code} {code}"] += 1
            return None
        response.failure(f"{response.status_code}: {response.text[:300]}")
        return None


def cited_pmids():
    """One to three PMIDs, mostly ones the stand-in knows (fetched), some it does not."""
    pmids = random.sample(CONFIG["known_pmids"], random.randint(1, 3))
    if random.random() < 0.2:
        pmids[-1] = str(random.randint(90_000_000, 90_999_999))  # not in PubMed: not_found
    return pmids


class Reader(HttpUser):
    """The public: gene pages (conditional GETs too), search, reference pages and the API."""

    weight = 5
    wait_time = between(0, 0.3)

    def on_start(self):
        self.etags = {}

    @task(6)
    def gene_page(self):
        symbol = random.choice(GENES)
        etag = self.etags.get(symbol)
        if etag and random.random() < 0.5:
            name, headers, expect = "page /genes/[symbol]/ If-None-Match", {"If-None-Match": etag}, (200, 304)  # fmt: skip
        else:
            name, headers, expect = "page /genes/[symbol]/", {}, (200,)
        response = call(self.client, "GET", f"/genes/{symbol}/", name, expect, headers=headers)
        if response is not None and response.headers.get("ETag"):
            self.etags[symbol] = response.headers["ETag"]

    @task(3)
    def search(self):
        call(
            self.client,
            "GET",
            "/search/",
            "page /search/?q=",
            params={"q": random.choice(SEARCHES)},
        )

    @task(2)
    def reference_page(self):
        pk = random.choice(CONFIG["references"])
        call(self.client, "GET", f"/references/{pk}/", "page /references/[id]/")

    @task(1)
    def home(self):
        call(self.client, "GET", "/", "page /")

    @task(1)
    def gene_index(self):
        call(self.client, "GET", "/genes/", "page /genes/")

    @task(2)
    def api_genes(self):
        call(self.client, "GET", "/api/v1/genes/", "api GET genes/", params={"page_size": 20})

    @task(2)
    def api_gene(self):
        symbol = random.choice(GENES)
        call(self.client, "GET", f"/api/v1/genes/{symbol}/", "api GET genes/[symbol]/")

    @task(3)
    def api_claims_of_gene(self):
        params = {"gene": random.choice(GENES).lower(), "page_size": 50}
        call(self.client, "GET", "/api/v1/claims/", "api GET claims/?gene=", params=params)

    @task(1)
    def api_reference_by_pmid(self):
        params = {"pmid": random.choice(CONFIG["pmids"])}
        call(self.client, "GET", "/api/v1/references/", "api GET references/?pmid=", params=params)


class Writer(HttpUser):
    """A user with an API token; curators and reviewers both write claims."""

    abstract = True
    accounts = None

    def on_start(self):
        account = next(self.accounts)
        self.username = account["username"]
        self.client.headers["Authorization"] = f"Token {account['token']}"

    def write_claim(self):
        """Create a draft citing PMIDs, then submit it."""
        symbol = random.choice(GENES)
        body = {
            "gene": symbol.lower() if random.random() < 0.3 else symbol,
            "text": f"{symbol} {random.choice(VERBS)} {' '.join(random.sample(WORDS, 4))} "
            f"(load test {uuid.uuid4().hex[:12]}).",
            "section": random.choice(SECTIONS),
            "evidence_type": random.choice(("in_vitro", "in_vivo", "clinical", "review")),
            "organism": "Homo sapiens",
            "references": [{"pmid": pmid} for pmid in cited_pmids()],
        }
        created = call(
            self.client, "POST", "/api/v1/claims/", "api POST claims/", (201,), json=body
        )
        if created is None:
            return
        claim = created.json()
        outcomes["claims created"] += 1
        self.submit(claim)

    def submit(self, claim):
        # Two users sharing one account may both submit a claim sent back: one of them loses.
        submitted = call(
            self.client,
            "POST",
            f"/api/v1/claims/{claim['id']}/submit/",
            "api POST claims/[id]/submit/",
            refuse=(409,),
            json={"version": claim["version"]},
        )
        if submitted is not None:
            outcomes["claims submitted"] += 1


class Curator(Writer):
    """Writes claims and submits them; reworks the claims sent back to them."""

    weight = 3
    wait_time = between(0.2, 1.0)
    accounts = CURATORS

    @task(4)
    def write(self):
        self.write_claim()

    @task(1)
    def rework(self):
        # A curator sees approved claims and their own: these are their own claims sent back.
        listed = call(
            self.client,
            "GET",
            "/api/v1/claims/",
            "api GET claims/?status=changes_requested",
            params={"status": "changes_requested", "page_size": 10},
        )
        mine = (
            [c for c in listed.json()["results"] if c["author"] == self.username] if listed else []
        )
        if not mine:
            return
        claim = random.choice(mine)
        edited = call(
            self.client,
            "PATCH",
            f"/api/v1/claims/{claim['id']}/",
            "api PATCH claims/[id]/",
            refuse=(409,),
            json={"version": claim["version"], "text": claim["text"] + " Reworded after review."},
        )
        if edited is not None:
            outcomes["claims reworked"] += 1
            self.submit(edited.json())


class Reviewer(Writer):
    """Approves others' submitted claims, sends some back, and writes a few of their own."""

    weight = 2
    wait_time = between(0.2, 0.8)
    accounts = REVIEWERS

    def queue(self):
        listed = call(
            self.client,
            "GET",
            "/api/v1/claims/",
            "api GET claims/?status=submitted",
            params={"status": "submitted", "ordering": "submitted_at", "page_size": 50},
        )
        return listed.json()["results"] if listed else []

    @task(6)
    def review(self):
        others = [c for c in self.queue() if c["author"] != self.username]  # four-eyes
        if not others:
            outcomes["empty queue"] += 1
            return
        claim = random.choice(others)
        states = {c["reference"]["fetch_status"] for c in claim["citations"]}
        if "pending" in states:
            outcomes["waited for metadata"] += 1
            return
        url = f"/api/v1/claims/{claim['id']}/"
        if random.random() < 0.15:
            body = {"version": claim["version"], "comment": "Please cite the primary paper."}
            sent_back = call(
                self.client,
                "POST",
                url + "request-changes/",
                "api POST claims/[id]/request-changes/",
                refuse=(409,),
                json=body,
            )
            if sent_back is not None:
                outcomes["changes requested"] += 1
            return
        body = {"version": claim["version"], "comment": "Checked against the papers."}
        if states - {"fetched"}:
            body["override_reason"] = "PubMed has no record of one cited PMID; the others hold."
        decided = call(
            self.client,
            "POST",
            url + "approve/",
            "api POST claims/[id]/approve/",
            refuse=(409,),
            json=body,
        )
        if decided is not None:
            approved.append(claim["id"])
            outcomes["approved with override" if "override_reason" in body else "approved"] += 1

    @task(1)
    def write(self):
        self.write_claim()

    @task(1)
    def approve_own(self):
        """The four-eyes rule holds under load: approving one's own claim is a 403."""
        mine = [c for c in self.queue() if c["author"] == self.username]
        if not mine:
            return
        claim = random.choice(mine)
        with self.client.post(
            f"/api/v1/claims/{claim['id']}/approve/",
            json={"override_reason": "Trying my own claim."},
            name="api POST claims/[id]/approve/ own",
            catch_response=True,
        ) as response:
            code = response.json().get("code") if response.status_code == 403 else None
            if code == "four_eyes":
                response.success()
                outcomes["own approval refused"] += 1
            else:
                response.failure(f"approving one's own claim: {response.status_code}")
