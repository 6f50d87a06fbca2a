"""python -m bench on a tiny input: it runs, and its table says what it compares with what."""

import re

from bench import Row, table
from bench.__main__ import main

BIOPYTHON = "Bio.Entrez.read(validate=False)"
# name, value, unit, then baseline and ratio when there is a baseline, then what the baseline is.
ROW = re.compile(r"  (?P<name>.+?) {2,}[0-9.,]+  (?P<unit>\S+)( +[0-9.,]+ +[0-9.]+x)?  +(?P<of>.+)")


def sections(output):
    """The printed table's header, then {title: its row lines}, in order."""
    header, *lines = output.splitlines()
    tables, title = {}, None
    for line in lines:
        if line.startswith("  "):
            tables[title].append(line)
        else:
            title = line
            tables[title] = []
    return header, tables


def test_bench_prints_one_table_of_the_parser_against_biopython_and_the_fetch_rate(capsys):
    main(["--scale", "0.002"])
    header, tables = sections(capsys.readouterr().out)
    assert header.split() == ["value", "unit", "baseline", "ratio", "baseline", "is"]
    (title,) = [t for t in tables if t.startswith("PubMed XML")]
    (fetch_title,) = [t for t in tables if t.startswith("efetch against")]
    lines, fetch_lines = tables[title], tables[fetch_title]
    assert re.fullmatch(
        r"PubMed XML: [0-9]+ kB, [0-9]+ records \(the [0-9]+ fixture records repeated\); "
        r"peak memory = growth of the peak RSS of a fresh process",
        title,
    )
    rows = [ROW.fullmatch(line) for line in lines]
    assert all(rows), lines
    assert (rows[0]["name"], rows[0]["unit"]) == ("parser", "records/s")
    assert re.fullmatch(rf"{re.escape(BIOPYTHON)}; target 10\.00x (met|NOT MET)", rows[0]["of"])
    assert [(row["name"], row["unit"], row["of"]) for row in rows[1:]] == [
        ("parser", "MB/s", BIOPYTHON),
        ("parser peak memory", "MB", BIOPYTHON),
        (rows[3]["name"], "MB", rows[3]["of"]),
        ("parser, lxml reader alone (compiled reader off)", "records/s", BIOPYTHON),
        ("lxml building the trees alone (no field read)", "records/s", BIOPYTHON),
    ]
    small, large = re.fullmatch(
        r"parser peak memory, 10x file \(([0-9]+) kB\) parser, 1x file \(([0-9]+) kB\)",
        f"{rows[3]['name']} {rows[3]['of']}",
    ).group(2, 1)
    assert 9 <= int(large) / int(small) <= 11

    fetch_rows = [ROW.fullmatch(line) or line for line in fetch_lines]
    assert fetch_rows[0]["name"] == "efetch requests"
    assert re.fullmatch(r"the rate-limit ceiling; target 0\.90x (met|NOT MET)", fetch_rows[0]["of"])
    assert fetch_lines[1].split()[:3] == ["records", "fetched", fetch_lines[1].split()[2]]


def test_a_row_without_a_baseline_has_no_ratio():
    lines = table([("Title", [Row("alone", 12.5, "ms"), Row("against", 3.0, "s", 1.5, "other")])])
    assert lines[1] == "Title"
    assert lines[2].split() == ["alone", "12.5", "ms"]
    assert lines[3].split() == ["against", "3.00", "s", "1.50", "2.00x", "other"]


def test_a_row_with_a_target_says_whether_the_run_met_it():
    met, missed = (
        Row("fast", 6.0, "/s", 2.0, "floor", target=2.5),
        Row("slow", 1.0, "/s", 2.0, "floor", target=0.9),
    )
    lines = table([("Title", [met, missed])])
    assert lines[2].split()[-4:] == ["floor;", "target", "2.50x", "met"]
    assert lines[3].split()[-5:] == ["floor;", "target", "0.90x", "NOT", "MET"]
