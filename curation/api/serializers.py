"""The JSON of DESIGN.md ("JSON representations"), and the validation of what callers send.

Read serializers only shape rows the views fetched (with every related row
prefetched, so a page costs the same few queries at any size). Write
serializers only validate and normalise: resolving names to genes and
identifiers to references, and nothing that a Claim method decides.
"""

import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from curation.models import Citation, Claim, EvidenceType, Section
from curation.validators import reject_control_characters
from genes.models import Gene, GeneName
from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from references.models import JSON_FIELDS, Reference


class Text(serializers.CharField):
    """Stored text, or null when it is blank (absent values are null in our JSON)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return None if value in (None, "") else str(value)


class PlainText(serializers.CharField):
    """Text a person typed: control characters are refused (curation.validators)."""

    default_validators = [reject_control_characters]


class Author(serializers.Serializer):
    family = serializers.CharField(allow_null=True, required=False)
    given = serializers.CharField(allow_null=True, required=False)
    initials = serializers.CharField(allow_null=True, required=False)
    collective = serializers.CharField(allow_null=True, required=False)


class AbstractSection(serializers.Serializer):
    label = serializers.CharField(allow_null=True)
    category = serializers.CharField(allow_null=True)
    text = serializers.CharField()


class Stored(serializers.JSONField):
    """A JSON column given back as stored; its shape is declared for the schema."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value


@extend_schema_field(Author(many=True))
class Authors(Stored):
    pass


@extend_schema_field(AbstractSection(many=True))
class AbstractSections(Stored):
    pass


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class Strings(Stored):
    pass


class ReferenceSerializer(serializers.ModelSerializer):
    pmid = Text(help_text="PubMed ID, as a string.")
    doi = Text(help_text="Lower case, without a resolver prefix.")
    pmcid = Text()
    url = Text()
    title = Text(help_text="Plain text.")
    title_html = Text(help_text="The title with safe inline markup (i, b, sup, sub, MathML).")
    vernacular_title = Text()
    authors = Authors()
    journal = Text()
    journal_abbrev = Text()
    volume = Text()
    issue = Text()
    pages = Text()
    published = Text(help_text="ISO date at its precision: 1998, 1998-11 or 1998-11-05.")
    medline_date = Text()
    abstract = Text(help_text="Plain text.")
    abstract_sections = AbstractSections()
    publication_types = Strings()
    mesh_terms = Strings()
    language = Text()
    retraction_pmids = Strings()
    erratum_pmids = Strings()
    concern_pmids = Strings()
    fetch_error = Text()

    class Meta:
        model = Reference
        fields = JSON_FIELDS
        read_only_fields = fields

    def to_representation(self, reference):
        return reference_json(reference)


class CitationSerializer(serializers.ModelSerializer):
    reference = ReferenceSerializer(read_only=True)
    locator = Text()
    quote = Text()

    class Meta:
        model = Citation
        fields = ["reference", "position", "stance", "locator", "quote"]
        read_only_fields = fields

    def to_representation(self, citation):
        return citation_json(citation)


class ClaimSerializer(serializers.ModelSerializer):
    gene = serializers.CharField(source="gene.symbol", read_only=True)
    evidence_type = Text()
    organism = Text()
    mentioned_genes = serializers.ListField(
        child=serializers.CharField(),  # a Gene reads as its symbol
        source="mentioned_list",
        read_only=True,
        help_text="Symbols of other genes named.",
    )
    citations = CitationSerializer(source="citation_list", many=True, read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    reviewer = serializers.CharField(source="reviewer.username", read_only=True, allow_null=True)
    supersedes = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    flags = Strings(help_text='For example "cites_retracted".')

    class Meta:
        model = Claim
        fields = [
            "id",
            "gene",
            "section",
            "text",
            "status",
            "version",
            "position",
            "evidence_type",
            "organism",
            "mentioned_genes",
            "citations",
            "author",
            "reviewer",
            "supersedes",
            "submitted_at",
            "decided_at",
            "updated_at",
            "flags",
        ]
        read_only_fields = fields

    def to_representation(self, claim):
        return claim_json(claim)


# The fields above, written out: DRF's field-by-field path costs several times more on a
# page of 100 claims and their 200 references. tests/test_api_json.py checks that both agree.


def text(value):
    return None if value in (None, "") else str(value)


def moment(value):
    """A datetime as DRF writes it: ISO 8601 in UTC, with a Z."""
    if value is None:
        return None
    iso = value.astimezone(datetime.timezone.utc).isoformat()
    return iso[:-6] + "Z" if iso.endswith("+00:00") else iso


def reference_json(r):
    return {
        "id": r.id,
        "kind": r.kind,
        "pmid": text(r.pmid),
        "pmid_version": r.pmid_version,
        "doi": text(r.doi),
        "pmcid": text(r.pmcid),
        "url": text(r.url),
        "title": text(r.title),
        "title_html": text(r.title_html),
        "vernacular_title": text(r.vernacular_title),
        "authors": r.authors,
        "journal": text(r.journal),
        "journal_abbrev": text(r.journal_abbrev),
        "volume": text(r.volume),
        "issue": text(r.issue),
        "pages": text(r.pages),
        "year": r.year,
        "published": text(r.published),
        "medline_date": text(r.medline_date),
        "epub_date": r.epub_date.isoformat() if r.epub_date else None,
        "abstract": text(r.abstract),
        "abstract_sections": r.abstract_sections,
        "publication_types": r.publication_types,
        "mesh_terms": r.mesh_terms,
        "language": text(r.language),
        "retracted": r.retracted,
        "retraction_pmids": r.retraction_pmids,
        "erratum_pmids": r.erratum_pmids,
        "concern_pmids": r.concern_pmids,
        "fetch_status": r.fetch_status,
        "fetch_error": text(r.fetch_error),
        "fetched_at": moment(r.fetched_at),
    }


def citation_json(c):
    return {
        "reference": reference_json(c.reference),
        "position": c.position,
        "stance": c.stance,
        "locator": text(c.locator),
        "quote": text(c.quote),
    }


def claim_json(c):
    return {
        "id": c.id,
        "gene": c.gene.symbol,
        "section": c.section,
        "text": c.text,
        "status": c.status,
        "version": c.version,
        "position": c.position,
        "evidence_type": text(c.evidence_type),
        "organism": text(c.organism),
        "mentioned_genes": [g.symbol for g in c.mentioned_list],
        "citations": [citation_json(citation) for citation in c.citation_list],
        "author": c.author.username,
        "reviewer": c.reviewer.username if c.reviewer_id else None,
        "supersedes": c.supersedes_id,
        "submitted_at": moment(c.submitted_at),
        "decided_at": moment(c.decided_at),
        "updated_at": moment(c.updated_at),
        "flags": c.flags,
    }


class GeneSerializer(serializers.ModelSerializer):
    ncbi_gene_id = serializers.CharField(read_only=True, help_text="NCBI Gene ID, as a string.")
    name = Text()
    hgnc_id = Text()
    aliases = serializers.SerializerMethodField()
    previous_symbols = serializers.SerializerMethodField()
    location = Text(help_text="Cytoband.")
    description = Text()
    description_source = Text()
    uniprot_ids = Strings()
    ensembl_id = Text()
    gene_type = Text()
    url = serializers.SerializerMethodField(help_text="The public gene page.")

    class Meta:
        model = Gene
        fields = [
            "symbol",
            "name",
            "ncbi_gene_id",
            "hgnc_id",
            "aliases",
            "previous_symbols",
            "location",
            "description",
            "description_source",
            "uniprot_ids",
            "ensembl_id",
            "gene_type",
            "url",
        ]
        read_only_fields = fields

    def get_aliases(self, gene) -> list[str]:
        return gene.other_names(GeneName.Kind.ALIAS)

    def get_previous_symbols(self, gene) -> list[str]:
        return gene.other_names(GeneName.Kind.PREVIOUS)

    def get_url(self, gene) -> str:
        request = self.context.get("request")
        path = gene.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class GeneDetailSerializer(GeneSerializer):
    claims = ClaimSerializer(source="approved_claims", many=True, read_only=True)

    class Meta(GeneSerializer.Meta):
        fields = [*GeneSerializer.Meta.fields, "claims"]
        read_only_fields = fields


# Input


def resolve_gene(name):
    """The one gene that answers to `name` (symbol or alias, any case), or a ValidationError."""
    genes = list(Gene.objects.lookup(name)[:10])
    if not genes:
        raise serializers.ValidationError(f"No gene is called {name!r}.", code="unknown_gene")
    if len(genes) > 1:
        symbols = ", ".join(g.symbol for g in genes)
        raise serializers.ValidationError(
            f"{name!r} names several genes ({symbols}); use the symbol.", code="ambiguous_gene"
        )
    return genes[0]


class GeneByName(serializers.CharField):
    """A gene given by its symbol or one of its aliases, in any case."""

    def __init__(self, **kwargs):
        super().__init__(max_length=64, **kwargs)

    def run_validation(self, data=serializers.empty):
        # After the validators, which refuse what no database should see (NUL characters).
        return resolve_gene(super().run_validation(data))


class CitationInput(serializers.Serializer):
    pmid = serializers.CharField(required=False, max_length=32, help_text="For example 9822609.")
    doi = serializers.CharField(
        required=False, max_length=255, help_text="For example 10.1038/nm.2830, or a doi.org link."
    )
    pmcid = serializers.CharField(
        required=False, max_length=16, help_text="For example PMC1171011."
    )
    url = serializers.URLField(
        required=False, max_length=500, help_text="A database entry or web page (with a title)."
    )
    title = PlainText(required=False, max_length=1000)
    kind = serializers.ChoiceField(
        [Reference.Kind.DATABASE, Reference.Kind.WEB],
        required=False,
        help_text="For a {url, title} reference; web by default.",
    )
    stance = serializers.ChoiceField(Citation.Stance.choices, default=Citation.Stance.SUPPORTS)
    locator = PlainText(required=False, allow_blank=True, max_length=128)
    quote = PlainText(required=False, allow_blank=True, max_length=2000)

    IDENTIFIERS = {"pmid": normalize_pmid, "doi": normalize_doi, "pmcid": normalize_pmcid}

    def validate(self, data):
        given = [name for name in (*self.IDENTIFIERS, "url") if name in data]
        if len(given) != 1:
            raise serializers.ValidationError(
                "Give exactly one of pmid, doi, pmcid, or a url with a title.",
                code="one_identifier",
            )
        name = given[0]
        if name == "url":
            if not data.get("title", "").strip():
                raise serializers.ValidationError(
                    {"title": "A reference given by its URL needs a title."}, code="required"
                )
        else:
            try:
                data[name] = self.IDENTIFIERS[name](data[name])
            except ValueError as e:
                raise serializers.ValidationError({name: str(e)}, code="invalid") from None
        return data

    def create_reference(self, data):
        """The reference this citation names: an existing one, or a new one queued for fetching."""
        for name in self.IDENTIFIERS:
            if name in data:
                reference, _ = Reference.objects.cited(str(data[name]))
                return reference
        reference = Reference.objects.matching(url=data["url"]).first()
        if reference is None:
            # A curator typed the title: there is nothing to fetch, so it counts as resolved.
            reference = Reference.objects.create(
                kind=data.get("kind", Reference.Kind.WEB),
                url=data["url"],
                title=data["title"].strip(),
                manual_metadata=True,
            )
        return reference


class ClaimContentInput(serializers.Serializer):
    """What a curator writes in a claim; shared by creating and editing."""

    section = serializers.ChoiceField(Section.choices, required=False)
    text = PlainText(required=False, max_length=20000)
    evidence_type = serializers.ChoiceField(EvidenceType.choices, required=False, allow_blank=True)
    organism = PlainText(required=False, allow_blank=True, max_length=128)
    mentioned_genes = serializers.ListField(
        child=GeneByName(), required=False, max_length=100, help_text="Symbols or aliases."
    )
    references = CitationInput(many=True, required=False, max_length=100)
    comment = PlainText(
        required=False, allow_blank=True, max_length=5000, help_text="For the history."
    )

    def claim_arguments(self):
        """Keyword arguments for Claim.objects.create_draft or Claim.edit.

        New references are created here, so call it inside the transaction
        that writes the claim: they are queued for fetching when it commits.
        """
        data = dict(self.validated_data)
        data.pop("gene", None)
        data.pop("version", None)
        if "mentioned_genes" in data:
            data["mentioned_genes"] = list(dict.fromkeys(data["mentioned_genes"]))
        if "references" in data:
            data["citations"] = [
                {
                    "reference": CitationInput().create_reference(item),
                    "stance": item["stance"],
                    "locator": item.get("locator", ""),
                    "quote": item.get("quote", ""),
                }
                for item in data.pop("references")
            ]
        return data


class ClaimCreateInput(ClaimContentInput):
    gene = GeneByName(help_text="Symbol or alias, any case.")
    text = PlainText(max_length=20000)


class ClaimEditInput(ClaimContentInput):
    version = serializers.IntegerField(
        min_value=1, help_text="The version you read: a claim changed since is refused (409)."
    )


class ActionInput(serializers.Serializer):
    comment = PlainText(required=False, allow_blank=True, default="", max_length=5000)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you read: if the claim changed since, the step is refused (409).",
    )


class ApproveInput(ActionInput):
    override_reason = PlainText(
        required=False,
        allow_blank=True,
        default="",
        max_length=5000,
        help_text="Why approve although a cited reference is unresolved or retracted.",
    )


class ReviseInput(serializers.Serializer):
    comment = PlainText(required=False, allow_blank=True, default="", max_length=5000)
