"""The load test, short: the production stack on PostgreSQL and Redis under locust readers,
curators and reviewers answers no 5xx and loses no approved claim (loadtest/run.py).

It needs PostgreSQL and Redis on 127.0.0.1 (LOAD_POSTGRES_URL, LOAD_REDIS_URL) whatever
database the suite itself runs on, and fails without them.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def test_short_load_run_answers_no_5xx_and_shows_every_approved_claim(tmp_path):
    command = [sys.executable, "-m", "loadtest.run", "--seconds", "20", "--users", "10"]
    process = subprocess.Popen(
        [*command, "--output", str(tmp_path)],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        process.terminate()  # SIGTERM: the run stops its stack and drops its database
        out, err = process.communicate(timeout=60)
        pytest.fail(f"the load test ran over 300 s\n{out[-4000:]}{err[-6000:]}")
    assert process.returncode == 0, out[-4000:] + err[-6000:]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["ok"]
    assert report["five_xx"] == 0
    assert report["totals"]["failures"] == 0
    assert report["reads"] > 50
    assert report["approved"] > 0
    assert report["approved_answered"] <= report["approved"]
    assert report["references"].get("fetched", 0) > 0
    assert "pending" not in report["references"]
    checks = {check["name"]: check["ok"] for check in report["checks"]}
    assert checks == {
        "no 5xx": True,
        "no unexpected response": True,
        "requests answered": True,
        "every cited reference fetched": True,
        "claims approved": True,
        "every approval answered 200 is in the audit trail": True,
        "every approved claim visible": True,
    }
    assert (tmp_path / "report.md").read_text().startswith("# Load test: 10 users for 20 s")
