from django.db import models
from django.db.models.functions import Lower, Upper
from django.utils import timezone

from genes.signals import catalogue_changed, gene_discontinued

HUMAN = 9606  # NCBI Taxonomy ID: the catalogue holds human genes
# Values an import or a fetch never writes over stored data with.
EMPTY = (None, "", [])


def placeholder_symbol(ncbi_gene_id):
    """The symbol of a gene added by ID until NCBI's answer arrives.

    NCBI itself names genes without an official symbol LOC<Gene ID>, so the
    placeholder can only ever collide with the same gene's own name.
    """
    return f"LOC{ncbi_gene_id}"


# The longest symbol or name stored (Gene.name); a longer one names no gene.
NAME_MAX = 255


class GeneQuerySet(models.QuerySet):
    def current(self):
        """Genes that were not merged into another (withdrawn ones are kept, they have no successor)."""
        return self.filter(replaced_by__isnull=True)

    def lookup(self, name):
        """Genes answering to `name`, in this order of precedence:

        1. the gene whose current symbol is `name`, in any case (symbols are
           unique, so at most one): it wins over every other gene's aliases;
        2. for a number, the gene with that NCBI Gene ID, or the gene that
           replaced it when NCBI discontinued that ID;
        3. every gene with `name` as an alias, previous or discontinued symbol.

        Several genes may share an alias, so this returns a queryset, never a
        guess. Genes merged into another are never returned: their symbol and
        Gene ID are names of the gene that replaced them.
        """
        name = (name or "").strip()
        if not name or len(name) > NAME_MAX:  # longer than any stored name: nothing to find
            return self.none()
        genes = self.current()
        by_symbol = genes.filter(symbol__iexact=name)
        if by_symbol.exists():
            return by_symbol
        if name.isdigit():
            by_id = genes.filter(
                models.Q(ncbi_gene_id=int(name))
                | models.Q(names__kind=GeneName.Kind.DISCONTINUED_ID, names__name=name)
            )
            if by_id.exists():
                return by_id.distinct()
        return genes.filter(names__name_upper=name.upper()).distinct()

    def add_by_id(self, ncbi_gene_id):
        """(gene, created) for an NCBI Gene ID; a new gene waits for its fetch from NCBI."""
        return self.get_or_create(
            ncbi_gene_id=ncbi_gene_id,
            defaults={
                "symbol": placeholder_symbol(ncbi_gene_id),
                "fetch_status": Gene.FetchStatus.PENDING,
            },
        )

    def symbol_holders(self, symbols):
        """{upper-case symbol: NCBI Gene ID of the gene holding it} for `symbols`."""
        return dict(
            self.annotate(symbol_upper=Upper("symbol"))
            .filter(symbol_upper__in={s.upper() for s in symbols})
            .values_list("symbol_upper", "ncbi_gene_id")
        )


class Gene(models.Model):
    class FetchStatus(models.TextChoices):
        # Blank: the gene came from the NCBI and HGNC files and was never fetched on its own.
        NONE = "", "loaded from files"
        PENDING = "pending", "pending"
        FETCHED = "fetched", "fetched"
        NOT_FOUND = "not_found", "not found"
        FAILED = "failed", "failed"

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
    chromosome = models.CharField(max_length=32, blank=True)
    location = models.CharField("cytoband", max_length=128, blank=True)
    uniprot_ids = models.JSONField("UniProt accessions", default=list, blank=True)
    ensembl_id = models.CharField("Ensembl gene ID", max_length=32, blank=True)
    mim_ids = models.JSONField("OMIM IDs", default=list, blank=True)
    gene_type = models.CharField(max_length=32, blank=True, help_text="For example protein-coding.")
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        help_text="The gene NCBI merged this one into.",
    )
    discontinued_on = models.DateField(
        null=True, blank=True, help_text="When NCBI discontinued this Gene ID."
    )
    fetch_status = models.CharField(
        max_length=16, choices=FetchStatus.choices, default=FetchStatus.NONE, blank=True
    )
    fetch_error = models.TextField(blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
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
            models.CheckConstraint(
                condition=models.Q(
                    fetch_status__in=["", "pending", "fetched", "not_found", "failed"]
                ),
                name="gene_fetch_status_valid",
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

    def new_name(self, kind, name, known, **extra):
        """An unsaved GeneName for a bulk_create, or None when it is not a new name of this gene.

        `known` holds the (gene pk, kind, upper-case name) of the names stored or
        about to be, and gains this one. A blank name, one too long for the
        column, and the gene's own symbol are left out.
        """
        name = name.strip()
        key = (self.pk, kind, name.upper())
        too_long = len(name) > GeneName._meta.get_field("name").max_length
        if not name or too_long or key[2] == self.symbol.upper() or key in known:
            return None
        known.add(key)
        return GeneName(gene=self, kind=kind, name=name, name_upper=key[2], **extra)

    def take_values(self, values, previous_symbols=()):
        """Set the `values` that are not empty and differ; return (changed fields, old symbol).

        A source's empty value never erases what another source gave. A rename
        returns the symbol it replaces, to be kept as a previous symbol; a
        symbol the gene was renamed away from (`previous_symbols`, upper case)
        is not taken back, so a source that lags behind HGNC cannot undo a rename.
        """
        changed = []
        values = {field: _fit(self, field, value) for field, value in values.items()}
        for field, value in values.items():
            if value in EMPTY or getattr(self, field) == value:
                continue
            if field == "symbol" and value.upper() in previous_symbols:
                continue
            changed.append(field)
        old_symbol = self.symbol if "symbol" in changed else None
        if old_symbol == placeholder_symbol(self.ncbi_gene_id):
            old_symbol = None  # not a name the gene ever had
        for field in changed:
            setattr(self, field, values[field])
        return changed, old_symbol

    def apply_summary(self, summary, now=None):
        """Store what NCBI's esummary says about this gene (see genes.esummary.parse_summary).

        Return the outcome: fetched, or the failure status recorded on the gene.
        """
        now = now or timezone.now()
        if summary["taxid"] != HUMAN:
            return self.record_fetch_failure(
                f"Gene ID {self.ncbi_gene_id} is a {summary['organism'] or 'non-human'} gene "
                f"(taxon {summary['taxid']}); the catalogue holds human genes only.",
                Gene.FetchStatus.FAILED,
            )
        if summary["replaced_by"]:
            return self.record_fetch_failure(
                f"NCBI replaced Gene ID {self.ncbi_gene_id} by Gene ID {summary['replaced_by']}: "
                "add that one instead.",
                Gene.FetchStatus.NOT_FOUND,
            )
        if summary["discontinued"]:
            return self.record_fetch_failure(
                f"NCBI discontinued Gene ID {self.ncbi_gene_id}.", Gene.FetchStatus.NOT_FOUND
            )
        symbol = summary["values"]["symbol"]
        holder = Gene.objects.symbol_holders([symbol]).get(symbol.upper())
        if holder not in (None, self.ncbi_gene_id):
            return self.record_fetch_failure(
                f"NCBI names Gene ID {self.ncbi_gene_id} {symbol}, but Gene ID {holder} already "
                "has that symbol here: correct one of the two by hand.",
                Gene.FetchStatus.FAILED,
            )
        values = dict(summary["values"])
        if values.get("description"):
            values["description_source"] = f"NCBI Gene summary, {now:%b %Y}"
        known = {(self.pk, n.kind, n.name_upper) for n in self.names.all()}
        previous = {name for _, kind, name in known if kind == GeneName.Kind.PREVIOUS}
        changed, old_symbol = self.take_values(values, previous)
        self.fetch_status = Gene.FetchStatus.FETCHED
        self.fetch_error = ""
        self.fetched_at = now
        # Only what changed, so a refresh that finds nothing new retires no cached page.
        self.save(
            update_fields=[*changed, "fetch_status", "fetch_error", "fetched_at", "updated_at"]
        )
        names = [(GeneName.Kind.PREVIOUS, old_symbol)] if old_symbol else []
        new = [
            n for kind, name in names + summary["names"] if (n := self.new_name(kind, name, known))
        ]
        if new:
            GeneName.objects.bulk_create(new, ignore_conflicts=True)
            catalogue_changed.send(sender=Gene)  # bulk_create sends no post_save
        return Gene.FetchStatus.FETCHED

    def record_fetch_failure(self, error, status=FetchStatus.FAILED):
        """Keep every stored value and note why the fetch did not fill the gene; return `status`."""
        # A gene that was filled before keeps its status: its data is still good.
        if self.fetch_status not in (Gene.FetchStatus.NONE, Gene.FetchStatus.FETCHED):
            self.fetch_status = status
        self.fetch_error = str(error)[:2000]
        self.save(update_fields=["fetch_status", "fetch_error", "updated_at"])
        return status

    def discontinue(self, *, on, replaced_by=None):
        """NCBI discontinued this Gene ID (merged into `replaced_by`, or withdrawn).

        Nothing is deleted: claims keep pointing here, and are flagged for a
        curator by whoever listens to `gene_discontinued`. Return whether
        anything changed.
        """
        target = replaced_by.pk if replaced_by else None
        if self.replaced_by_id == target and self.discontinued_on is not None:
            return False
        self.replaced_by_id, self.discontinued_on = target, on
        self.save(update_fields=["replaced_by", "discontinued_on", "updated_at"])
        if replaced_by:
            # Old links and searches now lead to the replacement.
            for name, kind in (
                (str(self.ncbi_gene_id), GeneName.Kind.DISCONTINUED_ID),
                (self.symbol, GeneName.Kind.DISCONTINUED),
            ):
                replaced_by.add_name(name, kind, discontinued_on=on)
        gene_discontinued.send(sender=Gene, gene=self, replaced_by=replaced_by)
        return True


def _fit(gene, field, value):
    """`value` cut to the column's length: NCBI's free text is sometimes longer than we keep."""
    limit = gene._meta.get_field(field).max_length
    return value[:limit] if limit and isinstance(value, str) else value


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
