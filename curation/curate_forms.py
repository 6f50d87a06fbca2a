"""Forms of the curators' and reviewers' screens. They validate and normalise; the model decides."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from curation.forms import ClaimTextField, PlainTextField
from curation.models import OPEN, Claim, EvidenceType, Section, Status
from genes.models import Gene
from references.identifiers import parse_identifier, split_identifiers
from references.models import Reference

# A reference already in the database with no PMID, DOI or PMCID (a database
# entry, a web page) is cited by its id, the way the edit form lists it.
REFERENCE_ID_RE = re.compile(r"^ref:(\d+)$", re.I)


def citation_token(reference):
    """How the claim form lists a cited reference: the identifier a curator would type."""
    if reference.pmid:
        return f"PMID:{reference.pmid}"
    if reference.doi:
        return reference.doi
    if reference.pmcid:
        return reference.pmcid
    return f"ref:{reference.pk}"


def gene_choices_text(genes):
    return ", ".join(f"{g.symbol} ({g.name})" if g.name else g.symbol for g in genes)


def look_up_gene(name):
    """The one gene `name` (a symbol or alias) names, or a ValidationError that says why not."""
    genes = list(Gene.objects.lookup(name)[:20])
    if not genes:
        raise ValidationError(f"No gene is called {name!r}.", code="unknown_gene")
    if len(genes) > 1:
        raise ValidationError(
            f"{name!r} names several genes: {gene_choices_text(genes)}. Type one of these symbols.",
            code="ambiguous_gene",
        )
    return genes[0]


class ClaimForm(forms.Form):
    gene = forms.CharField(
        max_length=64,
        help_text="Symbol or alias, e.g. IRF7.",
        widget=forms.TextInput(attrs={"list": "gene-options", "autocomplete": "off"}),
    )
    section = forms.ChoiceField(choices=Section.choices, initial=Section.SUMMARY)
    evidence_type = forms.ChoiceField(
        choices=[("", "—"), *EvidenceType.choices], required=False, label="Evidence type"
    )
    organism = PlainTextField(
        max_length=128,
        required=False,
        help_text="Where the evidence comes from, e.g. Homo sapiens.",
    )
    text = ClaimTextField(widget=forms.Textarea(attrs={"rows": 6, "cols": 80}))
    citations = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="PMIDs, DOIs or PMCIDs (or their links), separated by spaces, commas or "
        "new lines, in the order to cite them.",
    )
    mentioned_genes = forms.CharField(
        required=False,
        label="Mentioned genes",
        help_text="Other genes the claim mentions, by symbol or alias, e.g. IRF3, IFNA7.",
    )
    confirm = forms.BooleanField(required=False, label="Save anyway despite the warnings")
    # The version the editor opened; Claim.edit() refuses the save if it has moved on.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, claim=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim
        self.warnings = []
        if claim is not None:
            # Claim.edit() cannot move a claim to another gene.
            self.fields["gene"].disabled = True
            self.fields["gene"].required = False
            self.fields["version"].required = True

    @classmethod
    def initial_for(cls, claim, citations, mentioned_genes):
        return {
            "gene": claim.gene.symbol,
            "section": claim.section,
            "evidence_type": claim.evidence_type,
            "organism": claim.organism,
            "text": claim.text,
            "citations": "\n".join(citation_token(c.reference) for c in citations),
            "mentioned_genes": ", ".join(g.symbol for g in mentioned_genes),
            "version": claim.version,
        }

    def clean_gene(self):
        if self.claim is not None:
            return self.claim.gene
        return look_up_gene(self.cleaned_data["gene"])

    def clean_citations(self):
        """[(typed text, key)], key being ("pmid", 123), ("doi", ...), ("pmcid", ...) or ("id", 7)."""
        cited, errors, seen = [], [], {}
        for token in split_identifiers(self.cleaned_data["citations"]):
            if match := REFERENCE_ID_RE.match(token):
                key = ("id", int(match.group(1)))
            else:
                try:
                    key = parse_identifier(token)
                except ValueError as error:
                    errors.append(ValidationError(str(error), code="invalid_identifier"))
                    continue
            if key in seen:
                self.warnings.append(
                    f"{token} is listed twice (also as {seen[key]}); it is cited once."
                )
                continue
            seen[key] = token
            cited.append((token, key))
        ids = [key[1] for _, key in cited if key[0] == "id"]
        known = set(Reference.objects.filter(pk__in=ids).values_list("pk", flat=True))
        errors += [
            ValidationError(f"ref:{pk} is no reference in the database.", code="unknown_reference")
            for pk in ids
            if pk not in known
        ]
        if errors:
            raise ValidationError(errors)
        return cited

    def clean_mentioned_genes(self):
        genes, errors = [], []
        for name in re.split(r"[,;\s]+", self.cleaned_data["mentioned_genes"].strip()):
            if not name:
                continue
            try:
                gene = look_up_gene(name)
            except ValidationError as error:
                errors.append(error)
            else:
                if gene not in genes:
                    genes.append(gene)
        if errors:
            raise ValidationError(errors)
        return genes

    def clean(self):
        data = super().clean()
        gene, text = data.get("gene"), (data.get("text") or "").strip()
        if gene and text:
            # LOWER() = rather than iexact: SQLite's LIKE refuses patterns of over 50,000 bytes.
            same = Claim.objects.annotate(lower_text=Lower("text")).filter(
                gene=gene, lower_text=text.lower(), status__in=[*OPEN, Status.APPROVED]
            )
            if self.claim is not None:
                # A revision starts as a copy of the claim it revises.
                same = same.exclude(pk=self.claim.pk).exclude(pk=self.claim.supersedes_id)
            for other in same.order_by("pk")[:5]:
                self.warnings.append(
                    f"Claim #{other.pk} on {gene.symbol} ({other.get_status_display()}) "
                    "already says exactly this."
                )
        if self.warnings and not data.get("confirm"):
            raise ValidationError(
                [ValidationError(w, code="warning") for w in self.warnings]
                + [
                    ValidationError(
                        'Check the warnings above, then tick "save anyway" to save.',
                        code="warning",
                    )
                ]
            )
        return data


class ActionForm(forms.Form):
    """A decision or move on a claim. The model method says what is missing (a comment...)."""

    comment = PlainTextField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    override_reason = PlainTextField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # The version the page showed: acting on a claim changed since is refused.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class QueueFilterForm(forms.Form):
    gene = forms.CharField(required=False, max_length=64)
    section = forms.ChoiceField(choices=[("", "any section"), *Section.choices], required=False)
    author = forms.CharField(required=False, max_length=150)
