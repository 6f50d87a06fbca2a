import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid, parse_identifier
from references.signals import reference_flagged

# The Reference JSON of DESIGN.md, in its order: the API and the exports write these fields.
JSON_FIELDS = (
    "id",
    "kind",
    "pmid",
    "pmid_version",
    "doi",
    "pmcid",
    "url",
    "title",
    "title_html",
    "vernacular_title",
    "authors",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "year",
    "published",
    "medline_date",
    "epub_date",
    "abstract",
    "abstract_sections",
    "publication_types",
    "mesh_terms",
    "language",
    "retracted",
    "retraction_pmids",
    "erratum_pmids",
    "concern_pmids",
    "fetch_status",
    "fetch_error",
    "fetched_at",
)
# The fields a PubMed record sets (the parser's Reference JSON, minus identity and state).
PUBMED_FIELDS = tuple(
    name
    for name in JSON_FIELDS
    if name not in ("id", "pmid", "url", "fetch_status", "fetch_error", "fetched_at")
)
EMPTY = (None, "", [])
# What a fetch records about itself: saving only these changes nothing a page shows.
FETCH_STATE_FIELDS = ("fetch_status", "fetched_at", "fetch_error", "fetch_attempts", "updated_at")

PUBLISHED_RE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


class ReferenceQuerySet(models.QuerySet):
    def fetchable(self):
        """References with a PMID, DOI or PMCID to fetch them from PubMed by."""
        return self.filter(
            models.Q(pmid__isnull=False)
            | models.Q(doi__isnull=False)
            | models.Q(pmcid__isnull=False)
        )

    def awaiting_fetch(self):
        """Pending references, and those whose every fetch so far failed, up to MAX_ATTEMPTS.

        A task gives up after its retries, but an NCBI outage may last longer: the
        beat job queues these again, so no reference is left behind by one.
        """
        never_fetched = models.Q(fetch_status=Reference.FetchStatus.FAILED, fetched_at__isnull=True)
        return self.fetchable().filter(
            models.Q(fetch_status=Reference.FetchStatus.PENDING)
            | (never_fetched & models.Q(fetch_attempts__lt=Reference.MAX_ATTEMPTS))
        )

    def stale(self, days):
        cutoff = timezone.now() - timedelta(days=days)
        return self.filter(pmid__isnull=False, fetched_at__lt=cutoff)

    def unresolved(self):
        """The references a reviewer may not approve against without an override."""
        return self.exclude(fetch_status=Reference.FetchStatus.FETCHED).exclude(
            manual_metadata=True
        )

    def retracted(self):
        return self.filter(retracted=True)

    def upsert_pubmed(self, data):
        """Store a parsed PubMed record by its PMID: "created", "updated" or "unchanged"."""
        reference = self.filter(pmid=int(data["pmid"])).first()
        if reference is None:
            reference = Reference(pmid=int(data["pmid"]))
            reference.apply_pubmed(data)
            return reference, "created"
        changed = reference.apply_pubmed(data)
        return reference, "updated" if changed else "unchanged"

    def cited(self, identifier):
        """(reference, created) for a PMID, DOI or PMCID as typed by a curator.

        An unknown identifier makes a new pending reference, which is queued for
        fetching when the transaction commits. Raises ValueError for text that is
        no identifier, with a message that says what one looks like.
        """
        kind, value = parse_identifier(identifier)
        return self.get_or_create(**{kind: value})

    def matching(self, *, pmid=None, doi=None, pmcid=None, url=None, title=None, year=None):
        """Existing references that are the same work as the one described.

        Identifiers decide when given; a work with none (a database entry, a
        web page, a paper cited by title only) is matched by URL, or by its
        title and year, case and punctuation aside.
        """
        ids = models.Q()
        if pmid:
            ids |= models.Q(pmid=normalize_pmid(pmid))
        if doi:
            ids |= models.Q(doi=normalize_doi(doi))
        if pmcid:
            ids |= models.Q(pmcid=normalize_pmcid(pmcid))
        if url:
            ids |= models.Q(url=url)
        if ids:
            return self.filter(ids)
        key = title_key(title)
        if not key:
            return self.none()
        candidates = self.filter(title_key=key)
        if year:
            candidates = candidates.filter(models.Q(year=year) | models.Q(year__isnull=True))
        return candidates


def title_key(title):
    """Title reduced to lower-case letters and digits, for matching the same work."""
    return re.sub(r"[\W_]+", "", (title or "").lower())[:255]


class Reference(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "article"
        BOOK = "book", "book"
        DATABASE = "database", "database entry"
        WEB = "web", "web page"

    class FetchStatus(models.TextChoices):
        PENDING = "pending", "pending"
        FETCHED = "fetched", "fetched"
        NOT_FOUND = "not_found", "not found"
        FAILED = "failed", "failed"

    # Failed fetches after which the beat job stops queueing a never-fetched reference again
    # (every ten minutes: about 8 hours of NCBI failing). The admin's refetch still can.
    MAX_ATTEMPTS = 50

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ARTICLE)
    pmid = models.PositiveBigIntegerField("PMID", null=True, blank=True, unique=True)
    pmid_version = models.PositiveSmallIntegerField("PMID version", default=1)
    doi = models.CharField(
        "DOI",
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text="Stored in lower case without a resolver prefix, e.g. 10.1038/nm.2830.",
    )
    pmcid = models.CharField("PMCID", max_length=16, null=True, blank=True, unique=True)
    url = models.URLField("URL", max_length=500, blank=True)

    title = models.TextField(blank=True, help_text="Plain text.")
    title_html = models.TextField(blank=True, help_text="Title with safe inline markup.")
    title_key = models.CharField(max_length=255, blank=True, editable=False, db_index=True)
    vernacular_title = models.TextField(blank=True)
    authors = models.JSONField(
        default=list, blank=True, help_text='[{"family", "given", "initials"} or {"collective"}]'
    )
    journal = models.CharField(max_length=255, blank=True)
    journal_abbrev = models.CharField("journal (ISO abbreviation)", max_length=255, blank=True)
    volume = models.CharField(max_length=32, blank=True)
    issue = models.CharField(max_length=32, blank=True)
    pages = models.CharField(max_length=64, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    published = models.CharField(
        max_length=10,
        blank=True,
        help_text="ISO date at its precision: 1998, 1998-11 or 1998-11-05.",
    )
    medline_date = models.CharField(
        "MedlineDate", max_length=64, blank=True, help_text="PubMed's free-text date, when given."
    )
    epub_date = models.DateField("electronic publication date", null=True, blank=True)
    abstract = models.TextField(blank=True)
    abstract_sections = models.JSONField(
        default=list, blank=True, help_text='[{"label", "category", "text"}]'
    )
    publication_types = models.JSONField(default=list, blank=True)
    mesh_terms = models.JSONField("MeSH terms", default=list, blank=True)
    language = models.CharField(max_length=16, blank=True)
    retracted = models.BooleanField(default=False)
    retraction_pmids = models.JSONField(default=list, blank=True)
    erratum_pmids = models.JSONField(default=list, blank=True)
    concern_pmids = models.JSONField("expression of concern PMIDs", default=list, blank=True)

    manual_metadata = models.BooleanField(
        "metadata entered by hand",
        default=False,
        help_text="The metadata was typed in or imported, so the work counts as resolved "
        "even before (or without) a fetch from PubMed.",
    )
    fetch_status = models.CharField(
        max_length=16, choices=FetchStatus.choices, default=FetchStatus.PENDING
    )
    fetch_error = models.TextField(blank=True)
    fetch_attempts = models.PositiveIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["article", "book", "database", "web"]),
                name="reference_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(fetch_status__in=["pending", "fetched", "not_found", "failed"]),
                name="reference_fetch_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(doi__isnull=True) | models.Q(doi=Lower("doi")),
                name="reference_doi_lower_case",
            ),
            models.CheckConstraint(
                condition=models.Q(doi__isnull=True) | models.Q(doi__startswith="10."),
                name="reference_doi_format",
            ),
            models.CheckConstraint(
                condition=models.Q(pmcid__isnull=True) | models.Q(pmcid__startswith="PMC"),
                name="reference_pmcid_format",
            ),
            models.CheckConstraint(condition=models.Q(pmid__gt=0), name="reference_pmid_positive"),
        ]
        indexes = [
            models.Index(fields=["fetch_status", "fetched_at"], name="reference_fetch_state"),
            models.Index(fields=["retracted"], name="reference_retracted"),
        ]

    def __str__(self):
        label = self.title or self.url or "untitled"
        ident = f"PMID {self.pmid}" if self.pmid else (f"doi:{self.doi}" if self.doi else "")
        return f"{ident} {label[:80]}".strip() if ident else label[:80]

    def save(self, *args, **kwargs):
        # Blank identifiers are stored as NULL so that uniqueness applies only where present.
        self.doi = normalize_doi(self.doi) if self.doi else None
        self.pmcid = normalize_pmcid(self.pmcid) if self.pmcid else None
        self.pmid = self.pmid or None
        self.title_key = title_key(self.title)
        if self.published and not self.year:
            self.year = int(self.published[:4])
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"/references/{self.pk}/"

    def clean(self):
        errors = {}
        for field, normalize in (
            ("pmid", normalize_pmid),
            ("doi", normalize_doi),
            ("pmcid", normalize_pmcid),
        ):
            value = getattr(self, field)
            if value in (None, ""):
                setattr(self, field, None)
                continue
            try:
                setattr(self, field, normalize(value))
            except ValueError as e:
                errors[field] = ValidationError(str(e), code="invalid")
        if self.published and not PUBLISHED_RE.match(self.published):
            errors["published"] = ValidationError(
                "Use an ISO date at its precision: YYYY, YYYY-MM or YYYY-MM-DD.", code="invalid"
            )
        if not (self.pmid or self.doi or self.pmcid or self.url or self.title):
            errors["title"] = ValidationError(
                "A reference needs an identifier (PMID, DOI, PMCID), a URL or at least a title.",
                code="required",
            )
        if errors:
            raise ValidationError(errors)

    def apply_pubmed(self, data):
        """Store what PubMed says about this work; return the names of the fields that changed.

        PubMed is the authority for what it gives, but an empty value never
        erases stored metadata, and an older version of a versioned record
        never replaces a newer one. A record that newly says the paper is
        retracted or under an expression of concern flags the claims citing it.
        """
        if self.pk and (data.get("pmid_version") or 1) < self.pmid_version:
            return []
        was_retracted, old_concerns = self.retracted, set(self.concern_pmids)
        changed = []
        for name in PUBMED_FIELDS:
            value = data.get(name)
            if value in EMPTY:
                continue
            if name == "epub_date":
                value = date.fromisoformat(value)
            if name in ("doi", "pmcid") and self._held_elsewhere(name, value):
                continue
            if getattr(self, name) != value:
                setattr(self, name, value)
                changed.append(name)
        self.fetch_status = self.FetchStatus.FETCHED
        self.fetched_at = timezone.now()
        self.fetch_error = ""
        self.fetch_attempts = 0
        if self.pk is None:
            self.save()
        else:
            # Only what changed, so a refresh that finds nothing new retires no cached page.
            derived = {"title": ["title_key"], "published": ["year"]}
            fields = [*changed, *(d for name in changed for d in derived.get(name, ()))]
            self.save(update_fields=[*fields, *FETCH_STATE_FIELDS])
        if self.retracted and not was_retracted:
            notices = ", ".join(f"PMID {p}" for p in self.retraction_pmids) or "PubMed"
            self._flag("cites_retracted", f"PMID {self.pmid} was retracted (notice: {notices}).")
        new_concerns = set(self.concern_pmids) - old_concerns
        if new_concerns:
            notices = ", ".join(f"PMID {p}" for p in sorted(new_concerns))
            self._flag(
                "cites_expression_of_concern",
                f"PMID {self.pmid} has an expression of concern ({notices}).",
            )
        return changed

    def record_fetch_failure(self, error):
        """Keep every stored value; note the error and count the attempt."""
        self._record_problem(self.FetchStatus.FAILED, error)

    def record_not_found(self, message=""):
        """PubMed has no record for this work (never had, or deleted it)."""
        message = message or f"PubMed has no record for PMID {self.pmid}."
        was_fetched = self.fetched_at is not None
        self._record_problem(self.FetchStatus.NOT_FOUND, message)
        if was_fetched:
            self._flag("cites_deleted", f"PMID {self.pmid} was removed from PubMed.")

    def _record_problem(self, status, error):
        # A reference that was fetched before keeps its status: its metadata is still good.
        if self.fetched_at is None:
            self.fetch_status = status
        self.fetch_error = str(error)[:2000]
        self.fetch_attempts += 1
        self.save(update_fields=["fetch_status", "fetch_error", "fetch_attempts", "updated_at"])

    def _held_elsewhere(self, name, value):
        return Reference.objects.filter(**{name: value}).exclude(pk=self.pk).exists()

    def _flag(self, flag, reason):
        reference_flagged.send(sender=Reference, reference=self, flag=flag, reason=reason)

    @property
    def is_fetchable(self):
        return bool(self.pmid or self.doi or self.pmcid)

    @property
    def is_resolved(self):
        return self.fetch_status == self.FetchStatus.FETCHED or self.manual_metadata

    @property
    def pubmed_url(self):
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pmc_url(self):
        return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{self.pmcid}/" if self.pmcid else ""
