"""E-utilities fetch throughput against the local stand-in, as a share of the rate limit."""

import logging
import time
from pathlib import Path

from bench import Row, benchmark
from references.eutils import EutilsClient
from references.ratelimit import LocalRateLimiter
from references.standin import Standin

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pubmed"
RATE = 10  # NCBI's ceiling with an API key


@benchmark
def fetch_throughput(scale):
    seconds = max(1.0, 5.0 * scale)
    logging.getLogger("references.standin").setLevel(logging.WARNING)  # a line per request
    standin = Standin(FIXTURES).start()
    try:
        pmids = sorted(standin.records)
        client = EutilsClient(
            base_url=standin.eutils_url, tool="bench", rate_limiter=LocalRateLimiter(RATE)
        )
        requests = records = 0
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            for batch in client.efetch_pubmed(pmids):
                requests += 1
                records += len(batch.returned)
        elapsed = time.monotonic() - started
    finally:
        standin.stop()
    title = (
        f"efetch against the local stand-in: {elapsed:.1f} s, one client, "
        f"{len(pmids)} PMIDs per request, rate limit {RATE}/s"
    )
    return title, [
        Row(
            "efetch requests",
            requests / elapsed,
            "requests/s",
            RATE,
            "the rate-limit ceiling",
            target=0.9,
        ),  # fmt: skip
        Row("records fetched", records / elapsed, "records/s"),
    ]
