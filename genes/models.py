from django.db import models
from django.db.models.functions import Lower, Upper


class GeneQuerySet(models.QuerySet):
    def lookup(self, name):
        """Genes answering to `name`: the current symbol first, else any other name.

        Several genes may share an alias, so this returns a queryset, never a guess.
        """
        name = (name or "").strip()
        if not name:
            return self.none()
        by_symbol = self.filter(symbol__iexact=name)
        if by_symbol.exists():
            return by_symbol
        if name.isdigit():
            by_id = self.filter(
                models.Q(ncbi_gene_id=int(name))
                | models.Q(names__kind=GeneName.Kind.DISCONTINUED_ID, names__name=name)
            )
            if by_id.exists():
                return by_id.distinct()
        return self.filter(names__name_upper=name.upper()).distinct()


class Gene(models.Model):
    ncbi_gene_id = models.PositiveBigIntegerField("NCBI Gene ID", unique=True)
    symbol = models.CharField(max_length=64)
    name = models.CharField("full name", max_length=255, blank=True)
    description = models.TextField(blank=True)
    description_source = models.CharField(
        max_length=255,
        blank=True,
        help_text='For example "Alliance of Genome Resources, Mar 2025".',
    )
    hgnc_id = models.CharField("HGNC ID", max_length=16, blank=True)
    gene_family = models.CharField("HGNC gene family", max_length=255, blank=True)
    location = models.CharField("cytoband", max_length=64, blank=True)
    uniprot_ids = models.JSONField("UniProt accessions", default=list, blank=True)
    ensembl_id = models.CharField("Ensembl gene ID", max_length=32, blank=True)
    gene_type = models.CharField(max_length=32, blank=True, help_text="For example protein-coding.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GeneQuerySet.as_manager()

    class Meta:
        ordering = ["symbol"]
        constraints = [
            models.UniqueConstraint(Upper("symbol"), name="gene_symbol_unique_ci"),
            models.UniqueConstraint(
                fields=["hgnc_id"], condition=~models.Q(hgnc_id=""), name="gene_hgnc_id_unique"
            ),
            models.CheckConstraint(condition=~models.Q(symbol=""), name="gene_symbol_not_empty"),
            models.CheckConstraint(
                condition=models.Q(hgnc_id="") | models.Q(hgnc_id__startswith="HGNC:"),
                name="gene_hgnc_id_format",
            ),
        ]
        indexes = [models.Index(Lower("name"), name="gene_name_lower")]

    def __str__(self):
        return self.symbol

    def get_absolute_url(self):
        return f"/genes/{self.symbol}/"

    @property
    def ncbi_url(self):
        return f"https://www.ncbi.nlm.nih.gov/gene/{self.ncbi_gene_id}"

    def other_names(self, kind):
        return [n.name for n in self.names.all() if n.kind == kind]

    @property
    def aliases(self):
        return self.other_names(GeneName.Kind.ALIAS)

    def add_name(self, name, kind, **extra):
        """Record another name for this gene; a name it already has is left as is."""
        name = name.strip()
        if not name or name.upper() == self.symbol.upper():
            return None
        obj, _ = GeneName.objects.get_or_create(
            gene=self, kind=kind, name_upper=name.upper(), defaults={"name": name, **extra}
        )
        return obj


class GeneName(models.Model):
    """Any name a gene answers to besides its current symbol.

    Aliases may be shared by several genes; a previous symbol or a discontinued
    Gene ID points readers and links at the gene that replaced it.
    """

    class Kind(models.TextChoices):
        ALIAS = "alias", "alias"
        PREVIOUS = "previous", "previous symbol"
        DISCONTINUED = "discontinued", "discontinued symbol"
        DISCONTINUED_ID = "discontinued_id", "discontinued Gene ID"

    gene = models.ForeignKey(Gene, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=64)
    # Kept in upper case so that lookups and uniqueness ignore case on every database.
    name_upper = models.CharField(max_length=64, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ALIAS)
    discontinued_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["gene", "kind", "name_upper"], name="genename_unique_per_gene"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind__in=["alias", "previous", "discontinued", "discontinued_id"]
                ),
                name="genename_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["name_upper"], name="genename_name_upper")]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()} of {self.gene_id})"

    def save(self, *args, **kwargs):
        self.name_upper = self.name.upper()
        super().save(*args, **kwargs)
