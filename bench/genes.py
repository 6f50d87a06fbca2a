"""genes_import_gene_info on a synthetic 200,000-row file in NCBI's gene_info layout.

The rows look like Homo_sapiens.gene_info's: 16 columns, synonyms (some shared
between genes), dbXrefs with MIM, HGNC and Ensembl ids, "-" for empty values.
A fresh process migrates a throw-away database (a SQLite file, or with
DATABASE_URL a new PostgreSQL database on that server, dropped afterwards)
and imports the file twice: the second run finds every row unchanged.

Peak memory is how much the process's peak RSS grew during the first import;
it is compared with the growth after the first tenth of the rows, which is
the same when memory stays flat.
"""

import json
import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import Row, benchmark
from bench.parser import peak_rss
from bench.process import run

ROOT = Path(__file__).resolve().parents[1]
ROWS = 200_000
HEADER = (
    "#tax_id\tGeneID\tSymbol\tLocusTag\tSynonyms\tdbXrefs\tchromosome\tmap_location\t"
    "description\ttype_of_gene\tSymbol_from_nomenclature_authority\t"
    "Full_name_from_nomenclature_authority\tNomenclature_status\tOther_designations\t"
    "Modification_date\tFeature_type\n"
)
TYPES = ("protein-coding", "ncRNA", "pseudo", "biological-region", "unknown")


def write_gene_info(path, rows):
    with open(path, "w") as out:
        out.write(HEADER)
        for n in range(1, rows + 1):
            symbol = f"SYN{n}"
            synonyms = "|".join([f"{symbol}A", f"{symbol}-B", f"P{n % 5000}"]) if n % 4 else "-"
            official = n % 3 != 0
            xrefs = "|".join(
                [f"MIM:{600000 + n}", f"HGNC:HGNC:{n}", f"Ensembl:ENSG{n:011d}"]
                if official
                else [f"MIM:{600000 + n}"]
            )
            chromosome = str(n % 22 + 1)
            name = f"synthetic gene {n} of the benchmark"
            out.write(
                "\t".join(
                    [
                        "9606",
                        str(n),
                        symbol,
                        "-",
                        synonyms,
                        xrefs,
                        chromosome,
                        f"{chromosome}q{n % 30 + 1}.{n % 3 + 1}",
                        name,
                        TYPES[n % len(TYPES)],
                        symbol if official else "-",
                        name if official else "-",
                        "O" if official else "-",
                        f"{name} protein|another designation {n}",
                        "20260412",
                        "-",
                    ]
                )
                + "\n"
            )


@contextmanager
def throwaway_database(folder):
    """The URL of an empty database that is gone afterwards."""
    url = os.getenv("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_bench_{os.getpid()}"
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@benchmark
def gene_info_import(scale):
    rows = max(100, int(ROWS * scale))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "Homo_sapiens.gene_info"
        write_gene_info(path, rows)
        size = path.stat().st_size
        with throwaway_database(folder) as url:
            measure = run(
                "bench.genes", url, path, env={**os.environ, "DATABASE_URL": url, "DEBUG": "0"}
            )
    if measure["created"] != rows or measure["unchanged"] != rows:
        raise RuntimeError(f"the import did not load every row once: {measure}")
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    title = (
        f"gene_info import: {rows:,} synthetic rows ({size / 1e6:.1f} MB) on {engine}, "
        f"{measure['first']:.1f} s then {measure['second']:.1f} s; "
        f"peak memory = growth of the peak RSS of a fresh process"
    )
    first = rows / measure["first"]
    return title, [
        Row("first import (all created)", first, "rows/s"),
        Row("second import (all unchanged)", rows / measure["second"], "rows/s", first,
            "first import"),
        Row("peak memory, whole file", measure["growth"] / 1e6, "MB",
            measure["growth_tenth"] / 1e6, "after its first tenth"),
    ]  # fmt: skip


def main(url, path):
    """Migrate the database at `url`, import `path` twice; print the measures as JSON."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "curation.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from genes.importers.gene_info import import_gene_info

    before = peak_rss()
    tenth = {}

    def progress(fraction, summary):
        if fraction >= 0.1 and not tenth:
            tenth["peak"] = peak_rss()

    started = time.perf_counter()
    summary = import_gene_info(path, progress=progress)
    first = time.perf_counter() - started
    growth = peak_rss() - before
    started = time.perf_counter()
    again = import_gene_info(path)
    second = time.perf_counter() - started
    print(
        json.dumps(
            {
                "created": summary.created,
                "unchanged": again.unchanged,
                "first": first,
                "second": second,
                "growth": growth,
                "growth_tenth": tenth.get("peak", peak_rss()) - before,
            }
        )
    )


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    main(*sys.argv[1:])
