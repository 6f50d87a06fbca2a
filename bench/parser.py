"""references.pubmed_parser against Bio.Entrez.read on the same real records.

The records are those of the PubMed fixtures, byte for byte, repeated to a
few MB and written to a temporary file, which both parsers read. Each is run
once to warm up (Biopython reads its DTDs then), and the best of a few runs
counts. Biopython reads the DTDs it ships: downloading one is refused.

Peak memory is how much the peak resident set size of a fresh process grows
while it reads the file: tracemalloc would miss what libxml2 allocates. It is
read from /proc (VmHWM) where there is one, since a forked process inherits
its parent's ru_maxrss.
"""

import gc
import json
import os
import re
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from Bio import Entrez
from Bio.Entrez import Parser as EntrezParser
from lxml import etree

from bench import Row, benchmark
from bench.process import run
from references import pubmed_parser
from references.pubmed_parser import ParsedRecord, iter_records
from references.standin import RECORD_RE, SET_HEAD, SET_TAIL

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT.parent / "shared" / "fixtures" / "pubmed"
SIZE = 5_000_000
RUNS = 3
BIOPYTHON = "Bio.Entrez.read(validate=False)"


def fixture_records():
    """Every article and book record of the fixtures, as NCBI's bytes."""
    return [
        match.group(0)
        for path in sorted(FIXTURES.glob("*.xml"))
        for match in RECORD_RE.finditer(path.read_bytes())
    ]


def write_records(path, records, size):
    """Write an article set of the records, repeated in turn up to about size bytes.

    The set's head is the stand-in's efetch answer: Biopython refuses a DTD
    address that is http://, and this one is https:// and a DTD it ships.
    Return the number of records written.
    """
    count = written = 0
    with open(path, "wb") as out:
        out.write(SET_HEAD)
        while written < size or not count:
            record = records[count % len(records)]
            out.write(record + b"\n")
            written += len(record) + 1
            count += 1
        out.write(SET_TAIL)
    return count


def read_ours(path):
    if pubmed_parser.FAST is None:
        raise RuntimeError("the compiled reader is not built: make install")
    return sum(isinstance(result, ParsedRecord) for result in iter_records(path))


def read_lxml(path):
    """Ours with the compiled reader off: the lxml reader reads every record."""
    fast, pubmed_parser.FAST = pubmed_parser.FAST, None
    try:
        return sum(isinstance(result, ParsedRecord) for result in iter_records(path))
    finally:
        pubmed_parser.FAST = fast


def read_biopython(path):
    with offline_biopython(), open(path, "rb") as handle:
        parsed = Entrez.read(handle, validate=False)
    return len(parsed["PubmedArticle"]) + len(parsed["PubmedBookArticle"])


def parse_only(path):
    """libxml2 building each record's tree and nothing else: no parser built on lxml does less."""
    count = 0
    for _, element in etree.iterparse(path, tag=("PubmedArticle", "PubmedBookArticle")):
        element.clear()
        count += 1
    return count


READERS = {
    "ours": read_ours, "lxml": read_lxml, "biopython": read_biopython, "parse_only": parse_only,
}  # fmt: skip


@contextmanager
def offline_biopython():
    def refuse(url, *args, **kwargs):
        raise RuntimeError(f"Biopython tried to download {url}")

    original = EntrezParser.urlopen
    EntrezParser.urlopen = refuse
    try:
        yield
    finally:
        EntrezParser.urlopen = original


def best_time(read, path, expected):
    """The shortest of RUNS timed reads of path, after one to warm up."""
    times = []
    for attempt in range(RUNS + 1):
        gc.collect()
        start = time.perf_counter()
        count = read(path)
        if attempt:
            times.append(time.perf_counter() - start)
        if count != expected:
            raise RuntimeError(f"{read.__name__} read {count} records of {expected}")
    return min(times)


def peak_memory(reader, path, expected):
    """Growth of the peak RSS, in MB, while a fresh process reads path."""
    measure = run("bench.parser", reader, path, env=os.environ)
    if measure["count"] != expected:
        raise RuntimeError(f"{reader} read {measure['count']} records of {expected}")
    return measure["growth"] / 1e6


def peak_rss():
    """The peak resident set size of this process so far, in bytes."""
    status = Path("/proc/self/status")
    if status.exists():
        kilobytes = re.search(r"^VmHWM:\s*([0-9]+) kB", status.read_text(), re.M).group(1)
        return int(kilobytes) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # in bytes on macOS


@benchmark
def parser_against_biopython(scale):
    records = fixture_records()
    with tempfile.TemporaryDirectory() as folder:
        one, ten = Path(folder) / "one.xml", Path(folder) / "ten.xml"
        count = write_records(one, records, SIZE * scale)
        count_ten = write_records(ten, records, one.stat().st_size * 10)
        size = one.stat().st_size
        megabytes = size / 1e6
        ours = best_time(read_ours, one, count)
        theirs = best_time(read_biopython, one, count)
        lxml_only = best_time(read_lxml, one, count)
        floor = best_time(parse_only, one, count)
        memory = peak_memory("ours", one, count)
        memory_ten = peak_memory("ours", ten, count_ten)
        memory_theirs = peak_memory("biopython", one, count)
    title = (
        f"PubMed XML: {describe(size)}, {count} records (the {len(records)} fixture records "
        f"repeated); peak memory = growth of the peak RSS of a fresh process"
    )
    rows = [
        Row("parser", count / ours, "records/s", count / theirs, BIOPYTHON, target=10),
        Row("parser", megabytes / ours, "MB/s", megabytes / theirs, BIOPYTHON),
        Row("parser peak memory", memory, "MB", memory_theirs, BIOPYTHON),
        Row(
            f"parser peak memory, 10x file ({describe(size * 10)})",
            memory_ten,
            "MB",
            memory,
            f"parser, 1x file ({describe(size)})",
        ),
        Row("parser, lxml reader alone (compiled reader off)", count / lxml_only, "records/s",
            count / theirs, BIOPYTHON),
        Row("lxml building the trees alone (no field read)", count / floor, "records/s",
            count / theirs, BIOPYTHON),
    ]  # fmt: skip
    return title, rows


def describe(size):
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"


def main(reader, path):
    """Read path in this fresh process; print the growth of its peak RSS and the count."""
    read = READERS[reader]
    before = peak_rss()
    count = read(path)
    print(json.dumps({"growth": peak_rss() - before, "count": count}))


if __name__ == "__main__":
    main(*sys.argv[1:])
