"""Parse a Harmonizome-style gene page, or just its summary's JSON rich-text tree.

The page is a markdown-like table of gene fields; its `| Summary |` row is
followed by a JSON tree: `p` paragraphs of `t` text runs, each supported by
the `fg` footnote group after it (`fg_f` nodes whose `ref` points into the `rg`
list of `r` references). A text run (with any inline `b`/`i`/`a` around it) that
is immediately followed by a footnote group is one claim citing those
references in order; a run with no footnote after it is not a claim. References
no claim cites are left out. Errors name the line, or the node path such as
`root.children[0].children[3]`.
"""

import json
import re
from urllib.parse import unquote, urlsplit

from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

from .citations import parse_date, person_given_first, split_authors, squash
from .document import ClaimData, Document, GeneData, ParseError, ReferenceData

FORMAT = "Harmonizome page"
JSON_FORMAT = "Harmonizome summary JSON"

# The node types of the tree, each with the types it may contain.
CHILDREN = {
    "root": {"p", "t", "rg"},
    "p": {"t", "fg", "b", "i", "a"},
    "fg": {"fg_f"},
    "fg_f": set(),
    "rg": {"r", "t"},
    "r": {"t", "b", "i", "a"},
    "b": {"t", "i", "a"},
    "i": {"t", "b", "a"},
    "a": {"t"},
    "t": set(),
}
FIELD_ROW = re.compile(r"^\|\s*(?P<key>[^|]+?)\s*\|(?P<value>.*)\|\s*$")
FIELDS = {
    "HGNC Family": "gene_family",
    "Name": "name",
    "Description": "description",
    "Synonyms": "aliases",
    "Proteins": "uniprot_ids",
    "NCBI Gene ID": "ncbi_gene_id",
}
SOURCE = re.compile(r"\s*\[provided by (?P<source>[^\]]+)\]\s*$")
SYMBOL_LINE = re.compile(r"^(?P<symbol>\S+) has [\d,]+ functional associations\b")
JOURNAL_YEAR = re.compile(r"^(?P<journal>.*?)\s*\((?P<year>\d{4})\)\s*$")


def parse(text):
    """A Document from a whole page, or from a file holding only the JSON tree."""
    if text.lstrip().startswith("{"):
        document = Document(format=JSON_FORMAT)
        _parse_tree(document, text, first_line=1)
        return document
    return _parse_page(text)


def _parse_page(text):
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "| Summary |"), None)
    if start is None:
        raise ParseError(
            f"line {len(lines)}", "reached the end of the file without a | Summary | row"
        )
    # The JSON runs from the line after "| Summary |" to the lone "|" that closes the row.
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() == "|"), len(lines))
    gene = GeneData()
    for number, line in enumerate(lines, start=1):
        if start < number <= end:
            continue
        match = SYMBOL_LINE.match(line)
        if match and not gene.symbol:
            gene.symbol = match["symbol"]
        match = FIELD_ROW.match(line)
        if match and match["key"] in FIELDS:
            _set_field(gene, FIELDS[match["key"]], match["value"].strip(), number)
    document = Document(format=FORMAT, symbol=gene.symbol, gene=gene)
    summary = "\n".join(lines[start + 1 : end])
    if not summary.strip():
        raise ParseError(f"line {start + 1}", "the | Summary | row has no JSON tree after it")
    _parse_tree(document, summary, first_line=start + 2)
    return document


def _set_field(gene, name, value, number):
    if name == "ncbi_gene_id":
        if not value.isdigit():
            raise ParseError(f"line {number}", f"the NCBI Gene ID {value!r} is not a number")
        gene.ncbi_gene_id = int(value)
    elif name in ("aliases", "uniprot_ids"):
        setattr(gene, name, [item.strip() for item in value.split(",") if item.strip()])
    elif name == "description":
        match = SOURCE.search(value)
        if match:
            gene.description_source = match["source"].strip()
            value = value[: match.start()]
        gene.description = value.strip()
    else:
        setattr(gene, name, value)


def _parse_tree(document, text, first_line):
    try:
        root = json.loads(text)
    except json.JSONDecodeError as e:
        raise ParseError(
            f"line {first_line + e.lineno - 1}, column {e.colno}",
            f"the summary is not valid JSON: {e.msg}",
        ) from None
    _check(root, "root", None)
    if root["type"] != "root":
        raise ParseError("root", f"expected a 'root' node, found {root['type']!r}")
    references = {}
    for i, node in enumerate(root.get("children", [])):
        if node["type"] == "rg":
            _parse_reference_list(node, f"root.children[{i}]", references)
    cited = []
    for i, node in enumerate(root.get("children", [])):
        path = f"root.children[{i}]"
        if node["type"] == "p":
            _parse_paragraph(document, node, path, references, cited)
        elif node["type"] == "t" and node["text"].strip():
            document.skip(path, "text outside a paragraph is not a claim", squash(node["text"]))
    document.keep_cited(references, cited, "is cited by no text run")


def _check(node, path, parent):
    """Every node is an object of a known type, in a place where that type may appear."""
    if not isinstance(node, dict) or not isinstance(node.get("type"), str):
        raise ParseError(path, 'expected an object with a "type"')
    kind = node["type"]
    if kind not in CHILDREN:
        raise ParseError(path, f"unknown node type {kind!r}")
    if parent is not None and kind not in CHILDREN[parent]:
        raise ParseError(path, f"a {kind!r} node cannot appear inside a {parent!r} node")
    if kind == "t" and not isinstance(node.get("text"), str):
        raise ParseError(path, 'a text node needs a "text" string')
    children = node.get("children", [])
    if not isinstance(children, list):
        raise ParseError(path, '"children" must be a list')
    for i, child in enumerate(children):
        _check(child, f"{path}.children[{i}]", kind)


def _text(node):
    if node["type"] == "t":
        return node["text"]
    return "".join(_text(child) for child in node.get("children", []))


def _ref_number(node, path):
    value = node.get("ref")
    if isinstance(value, bool) or not re.fullmatch(r"\d+", str(value).strip()):
        raise ParseError(path, f"the reference number {value!r} is not a whole number")
    return str(int(str(value)))


def _parse_paragraph(document, paragraph, path, references, cited):
    run, run_path, last_claim = "", None, None
    for i, node in enumerate(paragraph.get("children", [])):
        node_path = f"{path}.children[{i}]"
        if node["type"] != "fg":
            if run_path is None and _text(node).strip():
                run_path = node_path
            run += _text(node)
            continue
        keys = []
        for j, footnote in enumerate(node.get("children", [])):
            footnote_path = f"{node_path}.children[{j}]"
            key = _ref_number(footnote, footnote_path)
            if key not in references:
                raise ParseError(
                    footnote_path,
                    f"footnote points at reference [{key}], which the reference list does not have",
                )
            keys.append(key)
            cited.append(key)
        if run.strip():
            last_claim = ClaimData(text=squash(run), reference_keys=keys, where=run_path)
            document.claims.append(last_claim)
        elif last_claim is not None:
            # Adjacent footnote groups support the same text: [1][2].
            last_claim.reference_keys += [k for k in keys if k not in last_claim.reference_keys]
        else:
            raise ParseError(node_path, "a footnote group with no text before it")
        run, run_path = "", None
    if run.strip():
        document.skip(run_path, "text with no footnote after it is not a claim", squash(run))


def _parse_reference_list(group, path, references):
    for i, node in enumerate(group.get("children", [])):
        if node["type"] != "r":
            continue
        node_path = f"{path}.children[{i}]"
        key = _ref_number(node, node_path)
        if key in references:
            raise ParseError(node_path, f"reference [{key}] is listed twice")
        references[key] = _parse_reference(node, node_path, key)


def _parse_reference(node, path, key):
    reference = ReferenceData(key=key, where=path)
    label = ""
    for i, child in enumerate(node.get("children", [])):
        child_path = f"{path}.children[{i}]"
        kind = child["type"]
        if kind == "t":
            if i == 0:
                reference.authors = split_authors(child["text"], person_given_first)
            label = child["text"].strip().rstrip(":").upper()
        elif kind == "b":
            reference.title = squash(_text(child))
        elif kind == "i":
            journal = squash(_text(child))
            match = JOURNAL_YEAR.match(journal)
            if match:
                journal = match["journal"]
                reference.published, reference.year = parse_date(match["year"])
            reference.journal_abbrev = journal
        elif kind == "a":
            _parse_link(reference, child, child_path, label)
    if not (reference.title or reference.pmid or reference.doi):
        raise ParseError(path, f"reference [{key}] has neither a title nor an identifier")
    return reference


def _parse_link(reference, node, path, label):
    """A DOI, PMID or PMC link, told apart by its target or by the label before it."""
    href = str(node.get("href") or "")
    parts = urlsplit(href)
    host, tail = parts.netloc.lower(), parts.path.rstrip("/").rsplit("/", 1)[-1]
    text = _text(node).strip()
    if host.endswith("doi.org") or label == "DOI":
        field, normalize, target = "doi", normalize_doi, unquote(parts.path.lstrip("/"))
    elif host == "pubmed.ncbi.nlm.nih.gov" or label == "PMID":
        field, normalize, target = "pmid", normalize_pmid, tail
    elif "/pmc/" in parts.path.lower() or label in ("PMC", "PMCID"):
        field, normalize, target = "pmcid", normalize_pmcid, tail
    else:
        reference.url = reference.url or href
        return
    try:
        values = {normalize(v) for v in (text, target) if v}
    except ValueError as e:
        raise ParseError(path, str(e)) from None
    if len(values) != 1:
        raise ParseError(path, f"the {field.upper()} link says {text!r} but points at {href!r}")
    setattr(reference, field, values.pop())
