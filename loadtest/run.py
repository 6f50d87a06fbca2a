"""The load test: the production stack on loopback, under locust, then checked.

    python -m loadtest.run [--seconds 60] [--users 20] [--max-requests 100000]

It does what `make up` does, on a database of its own: creates `load_<pid>_<hex>` on
the PostgreSQL server, migrates it, loads the demo and some synthetic claims, collects
the static files, and starts every process of the Procfile (gunicorn on a free port,
the Celery workers and beat) with DEBUG off, Redis for cache and broker, and
NCBI_EUTILS_URL pointing at the E-utilities stand-in, served here. Then locust runs
headless (loadtest/locustfile.py), bounded in time and in requests, and afterwards:

- no response was a 5xx, and none had a status its step does not expect;
- reviewers approved claims, and every claim approved during the run (by the
  database's audit trail and by the answers the reviewers got) is approved in the API
  and shown on its public gene page;
- the workers fetched every reference the new claims cite (polled, with a deadline):
  a PMID the stand-in knows is fetched, one it does not is not_found.

A table (requests, req/s, p50, p99, statuses, by endpoint) is printed and written to
OUTPUT/report.md and OUTPUT/report.json (default test-output/load/), with the
processes' logs in OUTPUT/logs/. It exits 1 when a check fails, 2 when PostgreSQL or
Redis cannot be reached. Processes are stopped, the database dropped and the Redis
database emptied however it ends, so run one load test at a time per Redis database.
"""

import argparse
import contextlib
import io
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import psycopg
import redis
import requests
from psycopg import sql

from references.pubmed_parser import ParsedRecord, iter_records
from references.standin import SET_HEAD, SET_TAIL, Standin, load_idconv_articles

BASE_DIR = Path(__file__).resolve().parent.parent
FIXTURES = BASE_DIR.parent / "shared" / "fixtures"
BIN = Path(sys.prefix) / "bin"
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m loadtest.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=int, default=60, help="how long locust runs")
    parser.add_argument("--users", type=int, default=20, help="simulated users, all at once")
    parser.add_argument("--max-requests", type=int, default=100_000, help="stop after these")
    parser.add_argument("--synthetic", type=int, default=2000, help="synthetic approved claims")
    parser.add_argument("--web-workers", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--fetch-timeout", type=int, default=90, help="seconds to wait for fetches")
    parser.add_argument(
        "--postgres",
        default=os.getenv("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (no database name); LOAD_POSTGRES_URL",
    )
    parser.add_argument(
        "--redis",
        default=os.getenv("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14"),
        help="Redis database for cache and broker, emptied before and after; LOAD_REDIS_URL",
    )
    parser.add_argument("--output", type=Path, default=BASE_DIR / "test-output" / "load")
    parser.add_argument(
        "--fresh-static",
        action="store_true",
        help="collect static files again instead of reusing var/load-static/ when unchanged",
    )
    return parser.parse_args(argv)


class LoadTest:
    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="loadtest-"))
        self.logs = self.work / "logs"
        self.logs.mkdir()
        self.database = f"load_{os.getpid()}_{secrets.token_hex(3)}"
        self.database_created = False
        self.processes = {}
        self.standin = None
        self.base_url = None
        self.checks = []

    # The stack

    def preflight(self):
        """Fail at once, and clearly, when PostgreSQL or Redis is not there."""
        try:
            with psycopg.connect(self.maintenance_url(), connect_timeout=5):
                pass
        except psycopg.Error as e:
            raise Unavailable(f"PostgreSQL at {self.args.postgres}: {e}") from None
        try:
            redis.Redis.from_url(self.args.redis, socket_connect_timeout=3).ping()
        except redis.RedisError as e:
            raise Unavailable(f"Redis at {self.args.redis}: {e}") from None

    def maintenance_url(self):
        return f"{self.args.postgres.rstrip('/')}/postgres"

    def environment(self):
        return {
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": os.environ.get("HOME", str(self.work)),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            # What `make up` sets, on this run's own database and Redis.
            "DEBUG": "0",
            "SECRET_KEY": self.secret_key,
            "DATABASE_URL": f"{self.args.postgres.rstrip('/')}/{self.database}",
            "REDIS_URL": self.args.redis,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": str(self.static_root),
            "VAR_DIR": str(self.work / "var"),
            # The Procfile's knobs: a free port, two web processes, one process per worker.
            "BIND": "127.0.0.1:0",
            "WEB_CONCURRENCY": str(self.args.web_workers),
            "WORKER_CONCURRENCY": "1",
            "NCBI_EUTILS_URL": self.standin.eutils_url,
            "NCBI_IDCONV_URL": self.standin.idconv_url,
            "NCBI_EMAIL": "loadtest@example.org",
            "NCBI_RATE_LIMIT": "10",  # NCBI's figure with an API key
            # Every simulated reader comes from 127.0.0.1, which the per-address throttle
            # would soon turn away: this measures the site, not the throttle.
            "API_ANON_RATE": "1000000/minute",
            # Decision e-mails are rendered and "sent", into the web process's memory.
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }

    def manage(self, *args):
        self.run_logged("manage", [str(BIN / "python"), "manage.py", *args])

    def stack_data(self, *args):
        out = self.run_logged(
            "stack_data", [str(BIN / "python"), "-m", "loadtest.stack_data", *args]
        )
        return json.loads(out)

    def run_logged(self, label, command):
        result = subprocess.run(
            command,
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        with open(self.logs / "setup.log", "a") as log:
            log.write(f"$ {' '.join(command)}\n{result.stdout[-4000:]}{result.stderr[-4000:]}\n")
        if result.returncode:
            raise Failed(f"{' '.join(command[1:])} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def set_up(self):
        self.preflight()
        self.standin = Standin(
            FIXTURES / "pubmed", articles=load_idconv_articles(FIXTURES / "ncbi")
        )
        self.standin.start()
        self.secret_key = secrets.token_urlsafe(50)
        self.static_root = self.work / "static"
        self.env = self.environment()
        redis.Redis.from_url(self.args.redis).flushdb()  # this run's broker and cache only
        step = time.monotonic()
        self.database_created = True  # from here on, teardown drops it if it exists
        self.manage("create_database")
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("load_demo")
        self.manage("generate_synthetic_claims", str(self.args.synthetic))
        self.collect_static()
        users = self.args.users
        self.data = self.stack_data(
            "accounts", str(max(2, users * 3 // 10)), str(max(2, users // 5))
        )
        self.data["known_pmids"] = publishable_pmids(self.standin.records)
        print(f"set up {self.database} in {time.monotonic() - step:.1f} s", flush=True)
        self.start_procfile()

    def collect_static(self):
        """collectstatic as `make up` runs it, kept in var/load-static/ while the sources stay the same.

        With Brotli installed (locust brings it) WhiteNoise's compression takes ~40 s here.
        """
        if self.args.fresh_static:
            self.manage("collectstatic", "--noinput", "-v", "0")
            return
        fingerprint = self.stack_data("static-fingerprint")["fingerprint"]
        cached = BASE_DIR / "var" / "load-static" / fingerprint
        if not (cached / "staticfiles.json").is_file():
            self.manage("collectstatic", "--noinput", "-v", "0")
            cached.parent.mkdir(parents=True, exist_ok=True)
            for old in cached.parent.iterdir():  # collected from sources since changed
                shutil.rmtree(old, ignore_errors=True)
            try:
                self.static_root.rename(cached)
            except OSError:  # another run stored it first, or another file system
                shutil.copytree(self.static_root, cached, dirs_exist_ok=True)
        self.static_root = cached
        self.env["STATIC_ROOT"] = str(cached)

    def start_procfile(self):
        """Every process of the Procfile, as honcho starts them for `make up`."""
        for line in (BASE_DIR / "Procfile").read_text().splitlines():
            name, _, command = line.partition(":")
            if not command.strip() or name.startswith("#"):
                continue
            log = open(self.logs / f"{name.strip()}.log", "w")  # noqa: SIM115 (closed with the process)
            self.processes[name.strip()] = (
                subprocess.Popen(
                    ["sh", "-c", f"exec {command.strip()}"],
                    cwd=BASE_DIR,
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group, stopped as one
                ),
                log,
            )
        port = self.wait_for_log("web", LISTENING, 60)
        self.base_url = f"http://127.0.0.1:{port.group(1)}"
        for worker in ("worker", "ncbi"):
            self.wait_for_log(worker, re.compile(r"ready\."), 60)
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{self.base_url}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise Failed("/healthz did not answer 200 within 30 s")
            time.sleep(0.2)
        print(f"stack up at {self.base_url}", flush=True)

    def wait_for_log(self, name, pattern, seconds):
        process, _ = self.processes[name]
        path = self.logs / f"{name}.log"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = pattern.search(path.read_text(errors="replace"))
            if found:
                return found
            if process.poll() is not None:
                raise Failed(f"{name} exited ({process.returncode}):\n{tail(path)}")
            time.sleep(0.2)
        raise Failed(f"{name} did not log {pattern.pattern!r} within {seconds} s:\n{tail(path)}")

    def tear_down(self):
        for process, _ in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 25  # gunicorn's graceful timeout is 20 s
        for process, log in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        if self.standin:
            self.standin.stop()
        if self.database_created:
            with psycopg.connect(self.maintenance_url(), autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(self.database)
                    )
                )
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(self.args.redis).flushdb()
        logs = self.args.output / "logs"
        shutil.rmtree(logs, ignore_errors=True)
        shutil.copytree(self.logs, logs)
        shutil.rmtree(self.work, ignore_errors=True)

    # The load

    def run_locust(self):
        config = self.work / "config.json"
        config.write_text(json.dumps(self.data))
        results = self.work / "results.json"
        users = str(self.args.users)
        command = [
            str(BIN / "locust"),
            "--locustfile", str(BASE_DIR / "loadtest" / "locustfile.py"),
            "--headless", "--only-summary",
            "--users", users, "--spawn-rate", users,
            "--run-time", f"{self.args.seconds}s", "--stop-timeout", "5",
            "--host", self.base_url,
            "--loglevel", "WARNING",
        ]  # fmt: skip
        env = {
            **os.environ,
            "LOAD_CONFIG": str(config),
            "LOAD_RESULTS": str(results),
            "LOAD_MAX_REQUESTS": str(self.args.max_requests),
        }
        with open(self.logs / "locust.log", "w") as log:
            # Locust exits 1 when a request failed; the checks below say which and why.
            subprocess.run(
                command,
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=self.args.seconds + 120,
            )
        if not results.is_file():
            raise Failed(f"locust wrote no results:\n{tail(self.logs / 'locust.log')}")
        self.results = json.loads(results.read_text())

    # The checks

    def check(self, name, ok, detail=""):
        self.checks.append({"name": name, "ok": bool(ok), "detail": detail})

    def check_responses(self):
        statuses = self.status_totals()
        five_xx = sum(n for status, n in statuses.items() if int(status) >= 500)
        self.check("no 5xx", five_xx == 0, f"{five_xx} responses with a 5xx status")
        total, errors = self.results["total"], self.results["errors"]
        self.check(
            "no unexpected response",
            total["failures"] == 0,
            f"{total['failures']} failed requests: {json.dumps(errors, indent=1)}",
        )
        self.check("requests answered", total["requests"] > 0, f"{total['requests']} requests")

    def status_totals(self):
        totals = Counter()
        for counts in self.results["statuses"].values():
            totals.update(counts)
        return dict(sorted(totals.items()))

    def check_fetches(self):
        """Wait for the workers to fetch every reference the load's claims cite."""
        deadline = time.monotonic() + self.args.fetch_timeout
        while True:
            facts = self.stack_data("facts")
            pending = [r for r in facts["references"] if r["fetch_status"] == "pending"]
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(1)
        known = set(self.data["known_pmids"])
        wrong = [
            r
            for r in facts["references"]
            if r["fetch_status"] != ("fetched" if r["pmid"] in known else "not_found")
        ]
        self.check(
            "every cited reference fetched",
            facts["references"] and not wrong,
            f"{len(facts['references'])} references cited; wrong fetch state: {wrong[:10]}",
        )
        self.facts = facts

    def check_approvals(self):
        database = {c["id"]: c for c in self.facts["approved"]}
        answered = set(self.results["approved"])
        self.check("claims approved", database, f"{len(database)} approved during the run")
        self.check(
            "every approval answered 200 is in the audit trail",
            answered <= set(database),
            f"missing: {sorted(answered - set(database))[:20]}",
        )
        invisible = []
        session = requests.Session()
        for claim in database.values():
            response = session.get(f"{self.base_url}/api/v1/claims/{claim['id']}/", timeout=30)
            if response.status_code != 200 or response.json()["status"] != "approved":
                invisible.append((claim["id"], "api", response.status_code))
        for symbol in sorted({c["gene"] for c in database.values()}):
            page = session.get(f"{self.base_url}/genes/{symbol}/", timeout=30)
            api = session.get(f"{self.base_url}/api/v1/genes/{symbol}/", timeout=30)
            listed = {c["id"] for c in api.json()["claims"]} if api.status_code == 200 else set()
            for claim in database.values():
                if claim["gene"] != symbol:
                    continue
                if f'id="claim-{claim["id"]}"' not in page.text:
                    invisible.append((claim["id"], "gene page", page.status_code))
                if claim["id"] not in listed:
                    invisible.append((claim["id"], "api gene", api.status_code))
        self.check(
            "every approved claim visible",
            database and not invisible,
            f"{len(database)} approved claims checked on the API and their gene pages; "
            f"not visible: {invisible[:20]}",
        )

    # The report

    def report(self):
        endpoints = [
            {"name": name, **row, "statuses": self.results["statuses"].get(name, {})}
            for name, row in sorted(self.results["endpoints"].items())
        ]
        references = Counter(
            r["fetch_status"] for r in getattr(self, "facts", {}).get("references", [])
        )
        statuses = self.status_totals()
        report = {
            "ok": all(c["ok"] for c in self.checks),
            "seconds": self.args.seconds,
            "users": self.args.users,
            "web_workers": self.args.web_workers,
            "measured_seconds": self.results["seconds"],
            "totals": {**self.results["total"], "statuses": statuses},
            "five_xx": sum(n for s, n in statuses.items() if int(s) >= 500),
            "reads": sum(
                row["requests"] for row in endpoints if row["name"].startswith(("page ", "api GET"))
            ),
            "approved": len(getattr(self, "facts", {}).get("approved", [])),
            "approved_answered": len(self.results["approved"]),
            "references": dict(references),
            "refusals": self.results["refusals"],
            "outcomes": self.results["outcomes"],
            "endpoints": endpoints,
            "checks": self.checks,
        }
        self.args.output.mkdir(parents=True, exist_ok=True)
        (self.args.output / "report.json").write_text(json.dumps(report, indent=2) + "\n")
        text = markdown(report)
        (self.args.output / "report.md").write_text(text)
        print(text)
        return report


class Unavailable(Exception):
    """PostgreSQL or Redis cannot be reached."""


class Failed(Exception):
    """The stack did not come up, or a step of the set-up failed."""


def publishable_pmids(records):
    """The stand-in's PMIDs a reviewer may approve against: not retracted, no expression of concern."""
    pmids = []
    for pmid, record in sorted(records.items()):
        for item in iter_records(io.BytesIO(SET_HEAD + record + SET_TAIL)):
            data = item.data if isinstance(item, ParsedRecord) else {}
            if data and not data["retracted"] and not data["concern_pmids"]:
                pmids.append(str(pmid))
    return pmids


def markdown(report):
    totals = report["totals"]
    lines = [
        f"# Load test: {report['users']} users for {report['seconds']} s, "
        f"{report['web_workers']} web processes",
        "",
        f"**{'PASS' if report['ok'] else 'FAIL'}**: {totals['requests']} requests, "
        f"{totals['rps']} req/s, p50 {totals['p50']} ms, p99 {totals['p99']} ms, "
        f"{report['five_xx']} 5xx, {report['approved']} claims approved.",
        "",
        "| endpoint | requests | req/s | p50 ms | p99 ms | max ms | failures | statuses |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in [*report["endpoints"], {"name": "all", **totals}]:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(row["statuses"].items()))
        lines.append(
            f"| {row['name']} | {row['requests']} | {row['rps']} | {row['p50']} | {row['p99']} "
            f"| {row['max']} | {row['failures']} | {statuses} |"
        )
    lines += ["", "Expected refusals (races, four-eyes): " + fmt(report["refusals"])]
    lines += ["", "What the writers did: " + fmt(report["outcomes"])]
    lines += [
        "",
        "References cited by the new claims, by fetch state: " + fmt(report["references"]),
    ]
    lines += ["", "| check | result | detail |", "|---|---|---|"]
    for check in report["checks"]:
        detail = check["detail"].splitlines()[0] if check["detail"] else ""
        lines.append(f"| {check['name']} | {'ok' if check['ok'] else 'FAILED'} | {detail} |")
    return "\n".join(lines) + "\n"


def fmt(counts):
    return ", ".join(f"{key} {n}" for key, n in sorted(counts.items())) or "none"


def tail(path, lines=40):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop(signum, frame):
    raise SystemExit(128 + signum)


def main(argv=None):
    args = parse_args(argv)
    # A plain `kill` (a CI timeout) still runs the teardown: the stack's processes have
    # sessions of their own and would outlive this one.
    signal.signal(signal.SIGTERM, stop)
    test = LoadTest(args)
    try:
        test.set_up()
        test.run_locust()
        test.check_responses()
        test.check_fetches()
        test.check_approvals()
    except Unavailable as e:
        print(f"load test: cannot reach {e}", file=sys.stderr)
        return 2
    except Failed as e:
        print(f"load test: {e}", file=sys.stderr)
        return 1
    finally:
        test.tear_down()
    report = test.report()
    for check in report["checks"]:
        if not check["ok"]:
            print(f"FAILED: {check['name']}: {check['detail']}", file=sys.stderr)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
