"""python -m bench on a tiny input: it runs, and its table says what it compares with what."""

import re

from bench import Row, table
from bench.__main__ import main

BIOPYTHON = "Bio.Entrez.read(validate=False)"
# name, value, unit, then baseline and ratio when there is a baseline, then what the baseline is.
ROW = re.compile(r"  (?P<name>.+?) {2,}[0-9.,]+  (?P<unit>\S+)( +[0-9.,]+ +[0-9.]+x)?  +(?P<of>.+)")


def test_bench_prints_one_table_of_the_parser_against_biopython(capsys):
    main(["--scale", "0.002"])
    header, title, *lines = capsys.readouterr().out.splitlines()
    assert header.split() == ["value", "unit", "baseline", "ratio", "baseline", "is"]
    assert re.fullmatch(
        r"PubMed XML: [0-9]+ kB, [0-9]+ records \(the [0-9]+ fixture records repeated\); "
        r"peak memory = growth of the peak RSS of a fresh process",
        title,
    )
    rows = [ROW.fullmatch(line) for line in lines]
    assert all(rows), lines
    assert [(row["name"], row["unit"], row["of"]) for row in rows] == [
        ("parser", "records/s", BIOPYTHON),
        ("parser", "MB/s", BIOPYTHON),
        ("parser peak memory", "MB", BIOPYTHON),
        (rows[3]["name"], "MB", rows[3]["of"]),
        ("XML parsing alone (lxml, no field read)", "records/s", BIOPYTHON),
    ]
    small, large = re.fullmatch(
        r"parser peak memory, 10x file \(([0-9]+) kB\) parser, 1x file \(([0-9]+) kB\)",
        f"{rows[3]['name']} {rows[3]['of']}",
    ).group(2, 1)
    assert 9 <= int(large) / int(small) <= 11


def test_a_row_without_a_baseline_has_no_ratio():
    lines = table([("Title", [Row("alone", 12.5, "ms"), Row("against", 3.0, "s", 1.5, "other")])])
    assert lines[1] == "Title"
    assert lines[2].split() == ["alone", "12.5", "ms"]
    assert lines[3].split() == ["against", "3.00", "s", "1.50", "2.00x", "other"]
