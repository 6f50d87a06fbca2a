"""Benchmarks: ``python -m bench`` runs every registered one and prints one table.

Each row may carry the least ratio an issue asks for (``target``): the table
then says whether the run met it.

A benchmark is a function of ``scale`` (1 for the real run; tests pass a small
one) that returns a title, which says what was measured on what, and a list
of Rows. Register it with ``@benchmark`` in a module of this package, and
import that module in ``bench/__main__.py``.
"""

from dataclasses import dataclass

BENCHMARKS = []


@dataclass(frozen=True)
class Row:
    """One measure, and the same measure of what it is compared with, if anything."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: float | None = None  # the least ratio an issue asks for, if it asks one

    @property
    def compared_with(self):
        """What the baseline is, and whether the target is met."""
        if self.target is None or self.ratio is None:
            return self.baseline_name
        verdict = "met" if self.ratio >= self.target else "NOT MET"
        return f"{self.baseline_name}; target {self.target:.2f}x {verdict}"

    @property
    def ratio(self):
        return self.value / self.baseline if self.baseline else None


def benchmark(function):
    BENCHMARKS.append(function)
    return function


def run(scale=1.0):
    """Yield (title, rows) for each registered benchmark, in registration order."""
    for function in BENCHMARKS:
        title, rows = function(scale)
        yield title, rows


def table(results):
    """The results as lines of text, one table with a heading line per benchmark."""
    header = ("", "value", "unit", "baseline", "ratio", "baseline is")
    lines = []
    for title, rows in results:
        lines.append([title])
        for row in rows:
            lines.append(
                [
                    f"  {row.name}",
                    _number(row.value),
                    row.unit,
                    "" if row.baseline is None else _number(row.baseline),
                    "" if row.ratio is None else f"{row.ratio:.2f}x",
                    row.compared_with,
                ]
            )
    cells = [line for line in lines if len(line) > 1] + [list(header)]
    widths = [max(len(cell[i]) for cell in cells) for i in range(len(header))]
    right = (False, True, False, True, True, False)
    text = [_line(header, widths, right)]
    for line in lines:
        text.append(line[0] if len(line) == 1 else _line(line, widths, right))
    return text


def _line(cells, widths, right):
    return "  ".join(
        cell.rjust(width) if align else cell.ljust(width)
        for cell, width, align in zip(cells, widths, right, strict=True)
    ).rstrip()


def _number(value):
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"
