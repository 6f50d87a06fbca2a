"""Reading tab-separated gene files line by line in chunks, and counting what an import did."""

import gzip
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice

CHUNK = 2000  # rows written per transaction: large enough to be fast, small enough to lose little
EXAMPLES = 10  # line numbers kept per skip reason for the summary


@dataclass
class Skip:
    """A line that cannot be imported: `reason` groups lines in the summary, `detail` is this one's."""

    line: int
    reason: str
    detail: str = ""

    def __str__(self):
        return f"line {self.line}: {self.reason}" + (f" ({self.detail})" if self.detail else "")


@dataclass
class Summary:
    """What an import did, row by row. Memory stays flat: only a few line numbers are kept."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    other_taxa: int = 0  # rows about other organisms, left out silently
    skipped: Counter = field(default_factory=Counter)
    examples: dict = field(default_factory=dict)
    on_skip: object = None  # called with each Skip as it happens

    def count(self, outcome):
        """Count a row's outcome: "created", "updated", "unchanged", or a Skip."""
        if isinstance(outcome, Skip):
            self.skip(outcome)
        else:
            setattr(self, outcome, getattr(self, outcome) + 1)

    def is_taxon(self, number, taxon, tax_id):
        """Whether a row's tax_id is `tax_id`; rows about other organisms are counted, a
        tax_id that is not a number is a skip."""
        if taxon == tax_id:
            return True
        if taxon.isdigit():
            self.other_taxa += 1
        else:
            self.skip(Skip(number, "tax_id is not a number", repr(taxon)))
        return False

    def skip(self, skip):
        self.skipped[skip.reason] += 1
        lines = self.examples.setdefault(skip.reason, [])
        if len(lines) < EXAMPLES:
            lines.append(skip.line)
        if self.on_skip:
            self.on_skip(skip)

    @property
    def rows(self):
        return self.created + self.updated + self.unchanged + sum(self.skipped.values())

    def lines(self):
        """The summary in words, one line per skip reason after the totals."""
        total = sum(self.skipped.values())
        text = [
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"skipped {total}"
            + (
                f" ({self.other_taxa} rows about other organisms left out)"
                if self.other_taxa
                else ""
            )
        ]
        for reason, count in self.skipped.most_common():
            shown = ", ".join(map(str, self.examples[reason]))
            more = ", ..." if count > len(self.examples[reason]) else ""
            text.append(f"  skipped {count}: {reason} (line {shown}{more})")
        return text


class Table:
    """The rows of a tab-separated file with a header line, as (line number, fields or Skip).

    The header's leading "#" (NCBI's) is dropped. A line with another number of
    fields than the header, or that is not UTF-8, is a Skip; blank lines are
    passed over. `position` and `size` (in bytes of the file as stored,
    compressed or not) tell how far the reading is.
    """

    def __init__(self, path):
        self.path = path
        self._raw = open(path, "rb")  # noqa: SIM115 (closed by close())
        magic = self._raw.read(2)
        self._raw.seek(0)
        self._lines = gzip.GzipFile(fileobj=self._raw) if magic == b"\x1f\x8b" else self._raw
        self.size = self._raw.seek(0, 2)
        self._raw.seek(0)
        header = self._lines.readline().decode("utf-8", "replace").rstrip("\r\n")
        self.columns = [name.strip().strip('"') for name in header.lstrip("#").split("\t")]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._lines.close()
        self._raw.close()

    @property
    def position(self):
        return self._raw.tell()

    def index(self, *names):
        """Positions of the named columns; ValueError names the ones missing."""
        missing = [n for n in names if n not in self.columns]
        if missing:
            raise ValueError(
                f"{self.path} has no column {', '.join(missing)}; its header is: "
                + " ".join(self.columns[:20])
            )
        return [self.columns.index(n) for n in names]

    def __iter__(self):
        width = len(self.columns)
        for number, raw in enumerate(self._lines, start=2):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as e:
                yield number, Skip(number, "not valid UTF-8", f"byte {e.start + 1}")
                continue
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = line.split("\t")
            if len(fields) != width:
                yield (
                    number,
                    Skip(number, "wrong number of columns", f"{len(fields)}, expected {width}"),
                )
                continue
            yield number, fields


def import_file(path, columns, parse_row, store_chunk, *, on_skip, progress, chunk_size):
    """Read `path` and store what it says; return the Summary.

    Each line's `columns` (stripped) go to `parse_row(line number, fields,
    summary)`, which returns a row or None; the rows are stored in chunks by
    `store_chunk(rows, summary)`, and `progress(fraction of the file read,
    summary)` is called after each.
    """
    summary = Summary(on_skip=on_skip)
    with Table(path) as table:
        for chunk in chunks(_parsed(table, columns, parse_row, summary), chunk_size):
            store_chunk(chunk, summary)
            if progress:
                progress(table.position / (table.size or 1), summary)
    return summary


def _parsed(table, columns, parse_row, summary):
    positions = table.index(*columns)
    for number, fields in table:
        if isinstance(fields, Skip):
            summary.skip(fields)
        elif row := parse_row(number, [fields[i].strip() for i in positions], summary):
            yield row


def chunks(iterable, size=CHUNK):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ncbi_value(text):
    """An NCBI field: "-" means empty."""
    text = text.strip()
    return "" if text == "-" else text


def split_list(text, separator="|"):
    """A list field ("a|b", maybe wrapped in double quotes as HGNC does), without empties."""
    text = ncbi_value(text).strip('"')
    return [item.strip() for item in text.split(separator) if item.strip() and item.strip() != "-"]


def gene_id(text):
    """An NCBI Gene ID, or None when the text is not one."""
    text = text.strip()
    return int(text) if text.isdigit() and int(text) > 0 else None
