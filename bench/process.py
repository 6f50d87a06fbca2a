"""What the benchmarks share: measuring in a fresh process, with production-like settings."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def environment(**overrides):
    """This process's environment with production-like settings (DEBUG off), then `overrides`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "curation.settings",
        "SECRET_KEY": os.getenv("SECRET_KEY") or "bench-only-secret-key",
        "DEBUG": "0",  # DEBUG would record every query
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        # Static URLs without `collectstatic` first: a clean checkout has no manifest.
        "STATIC_MANIFEST": "0",
        **overrides,
    }


def run(module, *arguments, env):
    """Run ``python -m module arguments`` from the project root; its last line read as JSON."""
    done = subprocess.run(
        [sys.executable, "-m", module, *map(str, arguments)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"python -m {module} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def rates(requests, seconds, rounds=5):
    """{name: requests per second}, the best of a few rounds.

    The rounds take turns, so that a busy machine slows what is measured and
    its baseline alike and the ratios stay fair.
    """
    best = dict.fromkeys(requests, 0.0)
    for request in requests.values():
        request()  # warm up
    for _ in range(rounds):
        for name, request in requests.items():
            count, started = 0, time.perf_counter()
            while (elapsed := time.perf_counter() - started) < seconds / rounds or not count:
                request()
                count += 1
            best[name] = max(best[name], count / elapsed)
    return best
