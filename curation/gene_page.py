"""What the public gene page shows, read in a fixed number of queries.

The approved claims of a gene, grouped by section in curated order, each with
its footnote markers; and the reference list numbered by first citation in
the page, one number per reference however often it is cited, with a
back-link to each place that cites it (Wikipedia's "^ a b").
"""

import json
import re
import string
from dataclasses import dataclass, field
from urllib.parse import quote

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch, Q
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from curation.models import Citation, Claim, Section, Status
from genes.models import Gene, GeneName
from references import display

SECTION_TITLES = {
    Section.SUMMARY: "Summary",
    Section.FUNCTION: "Function",
    Section.INTERACTIONS: "Interactions",
    Section.EXPRESSION: "Expression",
    Section.CLINICAL: "Clinical significance",
}
# As django.utils.html.json_script: no "</script>" or "<!--" can appear inside the element.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# Long text the page does not show: not worth reading for hundreds of references.
UNSHOWN_REFERENCE_FIELDS = (
    "abstract",
    "abstract_sections",
    "mesh_terms",
    "publication_types",
    "vernacular_title",
    "fetch_error",
)


@dataclass
class Marker:
    number: int
    anchor: str  # the id of the marker, which the reference list links back to
    locator: str = ""
    stance: str = Citation.Stance.SUPPORTS


@dataclass
class Note:
    number: int
    reference: object
    anchors: list[str] = field(default_factory=list)

    @property
    def id(self):
        return f"cite_note-{self.number}"

    @property
    def backlinks(self):
        """[(label, anchor)]: "a", "b", ... when cited more than once, else one unlabelled."""
        if len(self.anchors) == 1:
            return [("", self.anchors[0])]
        return [(_letters(i), anchor) for i, anchor in enumerate(self.anchors)]


@dataclass
class ClaimView:
    claim: Claim
    html: str  # the text, escaped, with mentioned genes linked
    markers: list[Marker]


@dataclass
class SectionView:
    key: str
    title: str
    claims: list[ClaimView]


@dataclass
class GenePage:
    gene: Gene
    sections: list[SectionView]
    notes: list[Note]
    see_also: list[Gene]
    mentioned_on: list[Gene]
    last_reviewed: object  # datetime of the latest approval, or None

    @property
    def claim_count(self):
        return sum(len(section.claims) for section in self.sections)

    @property
    def other_names(self):
        return other_names(self.gene)

    @property
    def links(self):
        return external_links(self.gene)

    @property
    def pubmed_url(self):
        return pubmed_search_url(self.gene)


def load_gene(symbol):
    """The gene with exactly this symbol and its other names (two queries), or None."""
    return (
        Gene.objects.filter(symbol=symbol)
        .prefetch_related(Prefetch("names", queryset=GeneName.objects.order_by("kind", "name")))
        .first()
    )


def build_gene_page(gene):
    """The page of `gene` (loaded with load_gene) in four more queries."""
    claims = (
        Claim.objects.public()
        .filter(gene=gene)
        .only("id", "gene_id", "section", "text", "position", "decided_at", "organism")
        # Into plain lists (to_attr): a related manager and queryset per claim cost more than the rows.
        .prefetch_related(
            Prefetch(
                "citations",
                queryset=Citation.objects.select_related("reference")
                .defer(*(f"reference__{name}" for name in UNSHOWN_REFERENCE_FIELDS))
                .order_by("position", "id"),
                to_attr="citation_list",
            ),
            Prefetch(
                "mentioned_genes",
                queryset=Gene.objects.only("id", "symbol"),
                to_attr="mentioned_list",
            ),
        )
        .order_by("position", "id")
    )
    mentioned_on = (
        Gene.objects.filter(
            Q(claims__status=Status.APPROVED, claims__mentioned_genes=gene), ~Q(pk=gene.pk)
        )
        .only("id", "symbol", "name")
        .distinct()
        .order_by("symbol")
    )
    order = {key: i for i, key in enumerate(SECTION_TITLES)}
    claims = sorted(claims, key=lambda c: (order.get(c.section, len(order)), c.position, c.pk))

    notes, sections, see_also = {}, {}, {}
    for claim in claims:
        markers = []
        for citation in claim.citation_list:
            note = notes.get(citation.reference_id)
            if note is None:
                note = notes[citation.reference_id] = Note(len(notes) + 1, citation.reference)
            anchor = f"cite_ref-{note.number}-{len(note.anchors)}"
            note.anchors.append(anchor)
            markers.append(Marker(note.number, anchor, citation.locator, citation.stance))
        mentioned = [g for g in claim.mentioned_list if g.pk != gene.pk]
        see_also.update((g.symbol, g) for g in mentioned)
        view = ClaimView(claim, link_mentions(claim.text, mentioned), markers)
        sections.setdefault(claim.section, []).append(view)

    return GenePage(
        gene=gene,
        sections=[
            SectionView(key, SECTION_TITLES.get(key, key.title()), views)
            for key, views in sections.items()
        ],
        notes=list(notes.values()),
        see_also=[see_also[symbol] for symbol in sorted(see_also)],
        mentioned_on=list(mentioned_on),
        last_reviewed=max((c.decided_at for c in claims if c.decided_at), default=None),
    )


def link_mentions(text, genes):
    """`text` escaped, with the first whole-word mention of each gene linked to its page."""
    html = str(escape(text))
    for gene in sorted(genes, key=lambda g: -len(g.symbol)):
        symbol = str(escape(gene.symbol))
        # Not inside a link made for a longer symbol: skip anything between < and >.
        pattern = re.compile(rf"(?<![\w-]){re.escape(symbol)}(?![\w-])(?![^<]*</a>)")
        link = format_html('<a href="{}" class="gene-link">{}</a>', gene.get_absolute_url(), symbol)
        html = pattern.sub(lambda _, link=link: link, html, count=1)
    return mark_safe(html)


def _letters(index):
    """a, b, ... z, aa, ab, ...: the labels of a reference's back-links."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = string.ascii_lowercase[rest] + letters
    return letters


def other_names(gene):
    """[(label, names)] of the gene's other names by kind, from its prefetched names."""
    kinds = [
        ("Aliases", GeneName.Kind.ALIAS),
        ("Previous symbols", GeneName.Kind.PREVIOUS),
        ("Discontinued symbols", GeneName.Kind.DISCONTINUED),
    ]
    return [(label, gene.other_names(kind)) for label, kind in kinds if gene.other_names(kind)]


def external_links(gene):
    """[(database, identifier, url)]: where else the gene is described."""
    links = [("NCBI Gene", str(gene.ncbi_gene_id), gene.ncbi_url)]
    if gene.hgnc_id:
        links.append(
            (
                "HGNC",
                gene.hgnc_id,
                f"https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/{gene.hgnc_id}",
            )
        )
    links += [
        ("UniProt", accession, f"https://www.uniprot.org/uniprotkb/{quote(accession)}/entry")
        for accession in gene.uniprot_ids
    ]
    if gene.ensembl_id:
        links.append(
            ("Ensembl", gene.ensembl_id, f"https://www.ensembl.org/id/{quote(gene.ensembl_id)}")
        )
    return links


def pubmed_search_url(gene):
    """PubMed's articles linked to the gene by NCBI."""
    return f"https://pubmed.ncbi.nlm.nih.gov/?linkname=gene_pubmed&from_uid={gene.ncbi_gene_id}"


def structured_data(page, url):
    """schema.org JSON-LD: the page (reviewed, citing its references) about the gene."""
    gene = page.gene
    names = [name for _, group in other_names(gene) for name in group]
    about = {
        "@type": "Gene",
        "@id": url + "#gene",
        "name": gene.symbol,
        "alternateName": [n for n in [gene.name, *names] if n],
        "identifier": f"NCBI Gene:{gene.ncbi_gene_id}",
        "url": url,
        "sameAs": [link for _, _, link in external_links(gene)],
    }
    if gene.description:
        about["description"] = gene.description
    data = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "url": url,
        "name": f"{gene.symbol} – {gene.name}" if gene.name else gene.symbol,
        "about": about,
        "citation": [_cited_work(note.reference) for note in page.notes],
    }
    if page.last_reviewed:
        data["lastReviewed"] = page.last_reviewed.date().isoformat()
    return json_ld(data)


def json_ld(data):
    """A <script type="application/ld+json"> element, escaped as json_script escapes."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(text.translate(JSON_ESCAPES))
    )


def _cited_work(reference):
    work = {"@type": "ScholarlyArticle", "name": display.title_text(reference)}
    if reference.kind in (reference.Kind.DATABASE, reference.Kind.WEB):
        work["@type"] = "Dataset" if reference.kind == reference.Kind.DATABASE else "WebPage"
    link = reference.doi_url or reference.pubmed_url or display.safe_url(reference.url)
    if link:
        work["url"] = link
    if reference.year:
        work["datePublished"] = reference.published or str(reference.year)
    if reference.journal or reference.journal_abbrev:
        work["isPartOf"] = {
            "@type": "Periodical",
            "name": reference.journal or reference.journal_abbrev,
        }
    return work
