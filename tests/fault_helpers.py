"""Real processes for the fault tests: Celery workers, gunicorn, and private Redis and
PostgreSQL servers that a test may stop and start without disturbing anyone else.

Every process writes to a log file; `wait_for` puts those logs in its failure message.
Every process is stopped by the context manager or fixture that started it.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from bench.process import environment
from references.standin import Standin, load_idconv_articles
from tests.eutils_helpers import NCBI_FIXTURES, PUBMED_FIXTURES

BASE_DIR = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SECRET_KEY = "insecure-key-for-the-fault-tests-only"


def suite_database_url():
    """The URL of the suite's test database, for the processes a test starts."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def create_groups():
    """The groups the data migration makes: a transactional test starts from a flushed database."""
    from importlib import import_module

    from django.apps import apps

    import_module("curation.migrations.0002_groups").create_groups(apps, None)


def purge_queues():
    """Empty the suite's broker of tasks left by earlier tests, the ones a killed worker held
    included: the broker would hand those out again after its visibility timeout (an hour),
    and with the test database's ids starting again from 1 they would name this test's rows."""
    from django.conf import settings

    from curation.celery import app

    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in (settings.CELERY_TASK_DEFAULT_QUEUE, settings.NCBI_QUEUE):
            channel.queue_purge(queue)
        if connection.transport.driver_type == "redis":
            channel.client.delete(channel.unacked_key, channel.unacked_index_key)


def pool_children(pid):
    """PIDs of the processes whose parent is `pid` (the prefork pool of a worker)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def free_port():
    """A loopback port nobody listens on now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what, *processes, timeout=60):
    """Poll `condition()` until it is true; fail with the processes' logs if it never is."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {timeout} s waiting for {what}\n{logs(*processes)}"
            )
        time.sleep(0.1)


def logs(*processes):
    return "\n".join(process.describe() for process in processes)


class Process:
    """A subprocess with its output in a log file; `stop()` is safe to call twice."""

    def __init__(self, name, command, *, env, log_dir, user=None):
        self.name = name
        self.log = Path(log_dir) / f"{name}-{uuid.uuid4().hex[:6]}.log"
        if user:
            command = ["runuser", "-u", user, "--", *command]
        with open(self.log, "w") as out:
            self.popen = subprocess.Popen(
                command,
                env=env,
                cwd=BASE_DIR,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so its children go with it
            )
        self.pid = self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def text(self):
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def describe(self):
        state = "running" if self.alive() else f"exited {self.popen.returncode}"
        return f"----- {self.name} (pid {self.pid}, {state}) -----\n{self.text()[-6000:]}"

    def kill_group(self, sig=signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, sig)

    def stop(self, timeout=20):
        if self.alive():
            self.kill_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill_group(signal.SIGKILL)
                self.popen.wait()
        self.kill_group(signal.SIGKILL)  # whatever the leader left behind


@contextlib.contextmanager
def running(*processes):
    """Stop every process on the way out, whatever happened."""
    try:
        yield processes
    finally:
        for process in processes:
            process.stop()


def app_env(**overrides):
    """The environment of a web or worker process: the benchmarks' production-like one
    (DEBUG off), on loopback, with persistent database connections as in production."""
    defaults = {
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_CONN_MAX_AGE": "60",
        "PYTHONUNBUFFERED": "1",
    }
    return environment(**defaults | {name: str(value) for name, value in overrides.items()})


def suite_env(standin, **overrides):
    """`app_env` on the suite's test database, with `standin` as NCBI."""
    return app_env(
        DATABASE_URL=suite_database_url(),
        NCBI_EUTILS_URL=standin.eutils_url,
        NCBI_IDCONV_URL=standin.idconv_url,
        **overrides,
    )


def start_worker(env, log_dir, name="worker"):
    """A Celery worker on both queues, one pool process, as the Procfile's but in one."""
    command = [
        sys.executable, "-m", "celery", "-A", "curation", "worker",
        "-Q", f"celery,{env.get('NCBI_QUEUE', 'ncbi')}", "--concurrency=1", "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--hostname", f"{name}-{uuid.uuid4().hex[:8]}@%h",
    ]  # fmt: skip
    return Process(name, command, env=env, log_dir=log_dir)


def start_gunicorn(env, log_dir):
    """gunicorn serving the site on a free loopback port; `.url` is its address."""
    port = free_port()
    command = [
        str(Path(sys.executable).parent / "gunicorn"), "curation.wsgi",
        "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
        "--timeout", "60", "--access-logfile", "-",
    ]  # fmt: skip
    process = Process("gunicorn", command, env=env, log_dir=log_dir)
    process.url = f"http://127.0.0.1:{port}"
    return process


def get(url, timeout=10, headers=None):
    """(status, body text) of a GET; HTTP errors are answers too, refused connections None."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read().decode(errors="replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None, ""


def health(url):
    """(status, checks) of the site's /healthz; (None, None) when nothing answers."""
    status, body = get(url + "/healthz")
    return status, json.loads(body)["checks"] if status else None


def run_manage(env, *args, timeout=120):
    """Run `manage.py args` with `env`; its output, or AssertionError with it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class PrivateRedis:
    """A redis-server of our own on a free port, no persistence: a restart empties it."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        command = [
            "redis-server", "--bind", "127.0.0.1", "--port", str(self.port),
            "--save", "", "--appendonly", "no", "--dir", str(self.log_dir),
        ]  # fmt: skip
        self.process = Process("redis", command, env=os.environ, log_dir=self.log_dir)
        wait_for(self.ping, "redis-server to answer", self.process, timeout=20)
        return self

    def ping(self):
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=1) as s,
        ):
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
        return False

    def stop(self):
        """SHUTDOWN NOSAVE, as a crash would lose everything, and wait for the port to close."""
        if self.process and self.process.alive():
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1) as s,
            ):
                s.sendall(b"SHUTDOWN NOSAVE\r\n")
                s.recv(16)
            try:
                self.process.popen.wait(timeout=10)
            finally:
                self.process.stop()


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temp folder, a free port), run as the
    `postgres` user when we are root, since PostgreSQL refuses to run as root."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.port = free_port()
        # Not under pytest's tmp_path: its parents are private to root.
        self.root = Path(tempfile.mkdtemp(prefix="fault-pg-"))
        self.data = self.root / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.root, self.user)
        self.process = None

    def url(self, name="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *command):
        if self.user:
            command = ("runuser", "-u", self.user, "--", *command)
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise AssertionError(f"{command} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def init(self):
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        return self

    def start(self):
        command = [
            str(PG_BIN / "postgres"), "-D", str(self.data), "-p", str(self.port),
            "-k", str(self.root), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
            "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
        ]  # fmt: skip
        self.process = Process(
            "postgres", command, env=os.environ, log_dir=self.root, user=self.user
        )
        wait_for(self.ready, "PostgreSQL to accept connections", self.process, timeout=30)
        return self

    def ready(self):
        result = subprocess.run(
            [str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
            timeout=10,
        )
        return result.returncode == 0

    def stop(self):
        """A fast shutdown: every open connection of the web and worker processes is cut."""
        if self.process and self.process.alive():
            try:
                self._run(str(PG_BIN / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w")
                self.process.popen.wait(timeout=30)
            finally:
                self.process.stop()

    def create_database(self, name):
        self._run(
            str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
            "-q", "-c", f'CREATE DATABASE "{name}"',
        )  # fmt: skip

    def remove(self):
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def describe(self):
        return self.process.describe() if self.process else "(PostgreSQL not started)"


SYNTHETIC_RECORD = (
    '<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
    '<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print"><Volume>7</Volume>'
    "<PubDate><Year>2021</Year></PubDate></JournalIssue><Title>Journal of fault tolerance</Title>"
    "<ISOAbbreviation>J Fault Toler</ISOAbbreviation></Journal>"
    "<ArticleTitle>Synthetic paper {pmid}.</ArticleTitle>"
    '<AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Tester</LastName>'
    "<ForeName>Fay</ForeName><Initials>F</Initials></Author></AuthorList><Language>eng</Language>"
    '<PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>'
    "</PublicationTypeList></Article></MedlineCitation><PubmedData>"
    "<PublicationStatus>ppublish</PublicationStatus><ArticleIdList>"
    '<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>'
)


def synthetic_pmids(count, first=41000001):
    return list(range(first, first + count))


class GatedStandin(Standin):
    """The E-utilities stand-in, also serving synthetic records, whose efetch answers wait
    for the test to let them through: `allow(n)` lets n more through, `open()` all."""

    def __init__(self, *args, pmids=(), **kwargs):
        super().__init__(*args, **kwargs)
        for pmid in pmids:
            self.records[pmid] = SYNTHETIC_RECORD.format(pmid=pmid).encode()
        self._gate = threading.Condition()
        self._permits = 0
        self._open = True
        self._round = 0

    def close(self):
        with self._gate:
            self._open, self._permits = False, 0

    def allow(self, n):
        with self._gate:
            self._permits += n
            self._gate.notify_all()

    def open(self):
        with self._gate:
            self._open = True
            self._gate.notify_all()

    def release_waiting(self):
        """Answer the requests waiting now (a killed worker's: nobody reads the answer)
        without using up permits meant for the requests still to come."""
        with self._gate:
            self._round += 1
            self._gate.notify_all()

    def efetch(self, params):
        with self._gate:
            arrived = self._round
            self._gate.wait_for(
                lambda: self._open or self._permits > 0 or self._round != arrived, timeout=120
            )
            if not self._open and self._round == arrived and self._permits > 0:
                self._permits -= 1
        return super().efetch(params)

    def stop(self):
        self.open()
        super().stop()


@contextlib.contextmanager
def gated_standin(pmids=()):
    standin = GatedStandin(
        PUBMED_FIXTURES, articles=load_idconv_articles(NCBI_FIXTURES), pmids=pmids
    ).start()
    try:
        yield standin
    finally:
        standin.stop()


def efetches(standin):
    return [r for r in standin.requests if r.path.endswith("efetch.fcgi")]
