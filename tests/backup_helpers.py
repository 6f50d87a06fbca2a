"""A realistic site to back up, throwaway databases, and a second process to read one.

Also run as a script in a subprocess whose DATABASE_URL names another database:

    python -m tests.backup_helpers build            # build_site() there, committed
    python -m tests.backup_helpers get PATH...       # {path: [status, body]} as JSON
    python -m tests.backup_helpers events            # how many ReviewEvents it holds

(Django models are imported inside the functions: the script sets Django up first.)
"""

import io
import json
import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from tests.fault_helpers import suite_database_url

ROOT = Path(__file__).resolve().parent.parent
# The shared server, when the suite itself runs on SQLite.
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
SUBPROCESS_SECONDS = 300

# What the public and machines read: the same answers must come back from a restore.
PUBLIC_PATHS = [
    "/",
    "/genes/",
    "/genes/IRF7/",
    "/genes/IFNA7/",
    "/genes/IRF3/",
    "/search/?q=IRF7",
    "/search/?q=interferon",
    "/search/?q=IFN-ALPHAJ",
    "/sitemap.xml",
    "/api/v1/genes/",
    "/api/v1/genes/IRF7/",
    "/api/v1/genes/IFNA7/",
    "/api/v1/genes/IRF3/",
    "/api/v1/claims/?status=approved",
    "/api/v1/export/claims.ndjson",
    "/api/v1/export/claims.tsv",
    "/api/v1/export/references.ndjson",
    "/api/v1/export/generifs.tsv",
]


def build_site():
    """The demo seeds plus claims taken through review: everything a backup must keep.

    Returns {name: object} of what the tests look at.
    """
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from curation.models import Citation
    from genes.models import Gene, GeneName
    from references.models import Reference
    from tests.factories import (
        make_approved_claim,
        make_claim,
        make_gene,
        make_reference,
        make_user,
    )

    call_command("load_demo", stdout=io.StringIO())
    curator = make_user("carla", "curators")
    reviewer = make_user("rita", "reviewers")
    irf7 = Gene.objects.get(symbol="IRF7")
    ifna7 = Gene.objects.get(symbol="IFNA7")
    irf7.add_name("IRF-7", GeneName.Kind.ALIAS)
    irf7.add_name("IRF7A", GeneName.Kind.ALIAS)
    irf3 = make_gene(
        "IRF3",
        ncbi_gene_id=3661,
        name="interferon regulatory factor 3",
        hgnc_id="HGNC:6118",
        location="19q13.33",
        chromosome="19",
        uniprot_ids=["Q14653"],
        ensembl_id="ENSG00000126456",
        mim_ids=["603734"],
        gene_type="protein-coding",
        gene_family="Interferon regulatory factors",
        description="A transcription factor of the interferon regulatory factor family.",
        description_source="NCBI Gene summary, Mar 2025",
    )
    irf3.add_name("IIAE7", GeneName.Kind.ALIAS)
    # A Gene ID NCBI merged into IRF7: its symbol and ID become names of IRF7.
    make_gene("IRF7X", ncbi_gene_id=990001).discontinue(on=date(2020, 5, 4), replaced_by=irf7)

    paper = make_reference(
        pmid=17574024,
        doi="10.1016/j.immuni.2007.05.022",
        pmcid="PMC1234567",
        title="IRF-7 and IRF-3 <i>in vivo</i>",
        title_html="IRF-7 and IRF-3 <i>in vivo</i>",
        authors=[
            {"family": "Honda", "given": "Kenya", "initials": "K"},
            {"collective": "IRF Group"},
        ],
        journal="Immunity",
        journal_abbrev="Immunity",
        volume="27",
        issue="1",
        pages="1-10",
        published="2007-07",
        epub_date=date(2007, 6, 28),
        abstract="Both factors are needed.",
        abstract_sections=[{"label": "RESULTS", "category": "RESULTS", "text": "Needed."}],
        publication_types=["Journal Article"],
        mesh_terms=["Interferon Regulatory Factor-7"],
        language="eng",
        erratum_pmids=["17600000"],
    )
    retracted = make_reference(
        pmid=20000001,
        title="A retracted finding about IRF7",
        retracted=True,
        retraction_pmids=["20000002"],
    )
    database = Reference.objects.create(
        kind=Reference.Kind.DATABASE,
        url="https://www.ncbi.nlm.nih.gov/gene/3661",
        title="Entrez Gene: IRF3 interferon regulatory factor 3",
        manual_metadata=True,
    )
    doi_only = make_reference(doi="10.5555/doi.only", title="A paper PubMed lacks")

    mentions = make_approved_claim(
        curator,
        reviewer,
        gene=irf7,
        text='IRF7 works with IRF3 to induce interferon-alpha; quotes "x" & <tags> stay text.',
        references=[
            {"reference": paper, "locator": "Fig. 3", "quote": "Both factors are needed."},
            {"reference": database, "stance": Citation.Stance.BACKGROUND},
        ],
        mentioned_genes=[irf3],
        section="interactions",
        evidence_type="in_vivo",
        organism="Mus musculus",
    )
    on_retracted = make_claim(
        curator, gene=irf7, text="IRF7 was said to do more.", references=[retracted, doi_only]
    )
    on_retracted.submit(curator)
    on_retracted.approve(reviewer, override_reason="The finding stands in later work.")
    original = make_approved_claim(
        curator, reviewer, gene=irf3, text="IRF3 is activated by TBK1.", references=[paper]
    )
    revision = original.revise(curator)
    revision.edit(curator, version=revision.version, text="IRF3 is activated by TBK1 and IKKe.")
    revision.submit(curator)
    revision.approve(reviewer)
    # Not public, so not in a release: a draft, a rejected and a retired claim.
    make_claim(curator, gene=ifna7, text="A draft about IFNA7.")
    rejected = make_claim(curator, gene=irf7, text="IRF7 is rejected.", references=[paper])
    rejected.submit(curator)
    rejected.reject(reviewer, comment="No evidence.")
    retired = make_approved_claim(curator, reviewer, gene=irf7, text="IRF7 was retired.")
    retired.retire(reviewer, comment="Outdated.")
    User.objects.create_user("reader")  # an account no claim names
    return {
        "paper": paper,
        "retracted": retracted,
        "database": database,
        "mentions": mentions,
        "original": original,
        "revision": revision,
    }


def reference_paths(references):
    return [
        path for r in references for path in (f"/references/{r.pk}/", f"/api/v1/references/{r.pk}/")
    ]


def get(paths):
    """{path: [status, body]} as an anonymous reader sees them, in this process."""
    from django.test import Client

    client = Client()
    answers = {}
    for path in paths:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        answers[path] = [response.status_code, body.decode()]
    return answers


def run(*args, database_url):
    """Run `args` in the project with DATABASE_URL=database_url; its stdout, or a failure."""
    env = dict(os.environ, DATABASE_URL=database_url, CELERY_BROKER_URL="memory://")
    # Its own local-memory cache: no page cached from another database can answer.
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=SUBPROCESS_SECONDS
    )
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def manage(*args, database_url):
    return run(sys.executable, "manage.py", *args, database_url=database_url)


def helper(*args, database_url):
    return run(sys.executable, "-m", "tests.backup_helpers", *args, database_url=database_url)


def postgres_server():
    """The URL of the suite's PostgreSQL database, else of the shared server on 127.0.0.1:5432."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return suite_database_url()
    return DEFAULT_POSTGRES


@contextmanager
def postgres_database(prefix):
    """A new, empty database on the suite's PostgreSQL server: (its URL, its name); dropped after."""
    import psycopg

    server = urlsplit(postgres_server())
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = {
        "host": server.hostname,
        "port": server.port or 5432,
        "user": server.username or "postgres",
        "password": server.password,
        "dbname": "postgres",
        "autocommit": True,
        "connect_timeout": 10,
    }
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server._replace(path=f"/{name}").geturl(), name
    finally:
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _main(command, *args):
    import django

    django.setup()
    if command == "build":
        from django.db import transaction

        with transaction.atomic():
            site = build_site()
        print(json.dumps(reference_paths([site["paper"], site["retracted"], site["database"]])))
    elif command == "get":
        from django.test.utils import setup_test_environment

        setup_test_environment()  # answers requests for http://testserver, as the suite's client
        print(json.dumps(get(args)))
    elif command == "events":
        from curation.models import ReviewEvent

        print(ReviewEvent.objects.count())
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curation.settings")
    _main(*sys.argv[1:])
