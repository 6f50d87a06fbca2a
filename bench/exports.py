"""Bulk exports: rows/s and peak memory, next to psql's own \\copy of the same rows.

The data are synthetic (`generate_synthetic_claims`): 1,000,000 approved claims
at scale 1, in a database of the benchmark's own, so the site's data are never
touched: on PostgreSQL the schema ``exports_bench`` of DATABASE_URL's database
(kept between runs, refilled when the count changes); otherwise a temporary
SQLite file, where there is no psql to compare with.

Each export is read through its view (Django's test client, streaming, the
bytes discarded) in a fresh process, which reports how long it took and how
much its peak resident set size grew. psql runs the very COPY statement the
view runs, writing to /dev/null. Memory is compared with the same export of
about a tenth of the rows (updated_since), read first in the same process:
constant memory means the two match.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from bench import Row, benchmark
from bench.process import environment, run

CLAIMS = 1_000_000
SCHEMA = "exports_bench"
NAMES = ("claims.ndjson", "claims.tsv")
PSQL = "psql \\copy of the same query"


@benchmark
def exports_against_psql(scale):
    count = max(200, round(CLAIMS * scale))
    with tempfile.TemporaryDirectory() as folder:
        env = bench_environment(Path(folder))
        prepared = run("bench.exports", "prepare", count, env=env)
        rows = []
        for name in NAMES:
            part, ours = run("bench.exports", "export", name, prepared["tenth_since"], env=env)
            if ours["rows"] != count:
                raise RuntimeError(f"{name} exported {ours['rows']} rows of {count}")
            megabytes = ours["bytes"] / 1e6
            if prepared["vendor"] == "postgresql":
                theirs = psql_seconds(env, name)
                rows += [
                    Row(f"{name}", count / ours["seconds"], "rows/s", count / theirs, PSQL, 0.5),
                    Row(f"{name}", megabytes / ours["seconds"], "MB/s", megabytes / theirs, PSQL),
                ]
            else:
                rows += [
                    Row(f"{name}", count / ours["seconds"], "rows/s"),
                    Row(f"{name}", megabytes / ours["seconds"], "MB/s"),
                ]
            rows.append(
                Row(
                    f"{name} peak memory, {count} rows",
                    ours["growth"] / 1e6,
                    "MB",
                    part["growth"] / 1e6,
                    f"the same, {part['rows']} rows",
                )
            )
    title = (
        f"Exports of {count} approved claims on {prepared['vendor']} "
        f"({prepared['generated']}); peak memory = growth of the peak RSS of a fresh process"
    )
    return title, rows


def bench_environment(folder):
    """The environment of the child processes: the benchmark's own database, no throttle."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        separator = "&" if "?" in url else "?"
        url = f"{url}{separator}options={quote(f'-c search_path={SCHEMA}')}"
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    env = environment(DATABASE_URL=url, EXPORT_THROTTLE_RATE="1000000/hour", VAR_DIR=str(folder))
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    return env


def psql_seconds(env, name):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curation.settings")
    django.setup()
    from curation.exports import copy_statement

    statement, params = copy_statement(name)
    assert not params
    command = "\\copy " + statement.removeprefix("COPY ")
    url = env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    started = time.perf_counter()
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", command],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


# The child process: python -m bench.exports prepare COUNT | export NAME SINCE


def prepare(count):
    """Make the benchmark database hold exactly `count` synthetic approved claims."""
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from curation.management.commands.generate_synthetic_claims import generate
    from curation.models import Claim

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    call_command("migrate", verbosity=0)
    generated = "data kept from an earlier run"
    if Claim.objects.public().count() != count or Claim.objects.count() != count:
        call_command("flush", interactive=False, verbosity=0)
        started = time.perf_counter()
        generate(count)
        generated = f"generated in {time.perf_counter() - started:.0f} s"
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    # Claims' updated_at is spread evenly over the past year: this selects about a tenth.
    since = timezone.now() - timedelta(days=36.5)
    return {
        "vendor": connection.vendor,
        "generated": generated,
        "tenth_since": since.isoformat(),
    }


def export(name, since):
    """Read an export through its view, first the part updated since `since`, then all.

    For each: its time, size, rows and how much the peak RSS had grown by its end
    (the peak only rises, so the whole export shows any growth the part did not).
    """
    from django.db import connection
    from django.test import Client

    from bench.parser import peak_rss

    connection.ensure_connection()
    client = Client()
    read_export(client, name, "2999-01-01", 0)  # imports and first-request set-up: not rows
    before = peak_rss()
    return [read_export(client, name, since, before), read_export(client, name, None, before)]


def read_export(client, name, since, before):
    from django.urls import reverse

    from bench.parser import peak_rss
    from curation.exports import EXPORTS

    url = reverse(f"export-{name.replace('.', '-')}")
    started = time.perf_counter()
    response = client.get(url, {"updated_since": since} if since else {})
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    header = 1 if EXPORTS[name].header else 0
    return {
        "seconds": seconds,
        "bytes": size,
        "rows": lines - header,
        "growth": peak_rss() - before,
    }


def main(command, *arguments):
    import django

    django.setup()
    result = prepare(int(arguments[0])) if command == "prepare" else export(*arguments)
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:])
