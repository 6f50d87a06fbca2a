"""Claims, their citations and the audit trail, with the review workflow.

Every rule of the workflow lives here, once: the admin, the web forms, the API
and the importers call these methods, and nothing else assigns `status`.
Each transition checks who may act, swaps the status with a compare-and-swap
update on the expected status and version (so two reviewers acting at once
cannot both win), and writes a ReviewEvent.
"""

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from genes.models import Gene
from references.models import Reference


class WorkflowError(Exception):
    """A refused action. `code` is machine-readable; str(error) is for people."""

    http_status = 409

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


class Forbidden(WorkflowError):
    """The actor may not do this (not the author, not a reviewer, four-eyes)."""

    http_status = 403


class Invalid(WorkflowError):
    """The request is incomplete (a comment is required, no citations...)."""

    http_status = 400


class Conflict(WorkflowError):
    """The claim is not in a state that allows this move."""

    http_status = 409


class StaleVersion(Conflict):
    """The claim changed since the caller last read it."""

    def __init__(self, claim, seen_version):
        super().__init__(
            f"This claim was changed by someone else (you edited version {seen_version}, "
            f"it is now at version {claim.version}). Reload it, then apply your change again.",
            code="stale_version",
        )
        self.claim = claim


def is_admin(user):
    return bool(user and user.is_active and user.is_superuser)


def can_write(user):
    return bool(user and user.is_active and user.has_perm("curation.add_claim"))


def can_review(user):
    return bool(user and user.is_active and user.has_perm("curation.review_claim"))


class Section(models.TextChoices):
    SUMMARY = "summary"
    FUNCTION = "function"
    INTERACTIONS = "interactions"
    EXPRESSION = "expression"
    CLINICAL = "clinical"


class EvidenceType(models.TextChoices):
    IN_VITRO = "in_vitro", "experimental, in vitro"
    IN_VIVO = "in_vivo", "experimental, in vivo"
    CLINICAL = "clinical", "clinical study"
    GENETIC = "genetic", "genetic study"
    COMPUTATIONAL = "computational", "computational prediction"
    REVIEW = "review", "review"


class Status(models.TextChoices):
    DRAFT = "draft", "draft"
    SUBMITTED = "submitted", "submitted"
    CHANGES_REQUESTED = "changes_requested", "changes requested"
    APPROVED = "approved", "approved"
    REJECTED = "rejected", "rejected"
    WITHDRAWN = "withdrawn", "withdrawn"
    RETIRED = "retired", "retired"
    SUPERSEDED = "superseded", "superseded"


EDITABLE = (Status.DRAFT, Status.CHANGES_REQUESTED)
OPEN = (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED)


class Action(models.TextChoices):
    CREATE = "create"
    IMPORT = "import"
    EDIT = "edit"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes", "request changes"
    WITHDRAW = "withdraw"
    RETIRE = "retire"
    REVISE = "revise"
    SUPERSEDE = "supersede"
    FLAG = "flag"


# action: (statuses it may start from, status it leads to, verb for messages)
TRANSITIONS = {
    Action.SUBMIT: (EDITABLE, Status.SUBMITTED, "submit"),
    Action.APPROVE: ((Status.SUBMITTED,), Status.APPROVED, "approve"),
    Action.REJECT: ((Status.SUBMITTED,), Status.REJECTED, "reject"),
    Action.REQUEST_CHANGES: ((Status.SUBMITTED,), Status.CHANGES_REQUESTED, "request changes on"),
    Action.WITHDRAW: (EDITABLE, Status.WITHDRAWN, "withdraw"),
    Action.RETIRE: ((Status.APPROVED,), Status.RETIRED, "retire"),
}


class ClaimQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Status.APPROVED)

    def awaiting_review(self):
        return self.filter(status=Status.SUBMITTED).order_by("submitted_at", "id")

    def open(self):
        return self.filter(status__in=OPEN)

    def flagged(self):
        return self.exclude(flags=[])

    def visible_to(self, user):
        """Approved claims for everyone; a curator also sees their own, a reviewer all."""
        if can_review(user) or is_admin(user):
            return self
        if user is not None and user.is_authenticated:
            return self.filter(Q(status=Status.APPROVED) | Q(author=user))
        return self.public()

    def create_draft(self, *, author, gene, citations=(), mentioned_genes=(), comment="", **fields):
        """A new draft by `author` (a curator) about `gene`; `fields` are other Claim fields."""
        if not can_write(author):
            raise Forbidden("Only curators can write claims.", code="not_curator")
        return self._create(
            author,
            Action.CREATE,
            comment,
            citations,
            mentioned_genes,
            gene=gene,
            author=author,
            **fields,
        )

    def create_imported(self, *, author, gene, citations, source, mentioned_genes=(), **fields):
        """Record a claim already published elsewhere (a seed page) as approved.

        Importing is an administrative act outside the review cycle, so it has
        its own audit action naming the source instead of a reviewer decision.
        """
        if not citations:
            raise Invalid("An imported claim needs at least one citation.", code="no_citations")
        now = timezone.now()
        return self._create(
            None,
            Action.IMPORT,
            source,
            citations,
            mentioned_genes,
            gene=gene,
            author=author,
            status=Status.APPROVED,
            submitted_at=now,
            decided_at=now,
            **fields,
        )

    @transaction.atomic
    def _create(self, actor, action, comment, citations, mentioned_genes, **fields):
        fields["text"] = fields.get("text", "").strip()
        fields.setdefault("section", Section.SUMMARY)
        claim = self.create(
            position=Claim.next_position(fields["gene"], fields["section"]), **fields
        )
        claim.mentioned_genes.set(mentioned_genes)
        claim.set_citations(citations)
        ReviewEvent.record(claim, actor, action, "", claim.status, comment)
        return claim


class Claim(models.Model):
    gene = models.ForeignKey(Gene, on_delete=models.PROTECT, related_name="claims")
    section = models.CharField(max_length=16, choices=Section.choices, default=Section.SUMMARY)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    position = models.PositiveIntegerField(default=0, help_text="Order within its section.")
    evidence_type = models.CharField(max_length=16, choices=EvidenceType.choices, blank=True)
    organism = models.CharField(
        max_length=128, blank=True, help_text="Where the evidence comes from, e.g. Homo sapiens."
    )
    mentioned_genes = models.ManyToManyField(Gene, blank=True, related_name="mentioned_in")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims_written"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_decided",
    )
    supersedes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions"
    )
    version = models.PositiveIntegerField(default=1)
    flags = models.JSONField(default=list, blank=True, help_text='For example ["cites_retracted"].')
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["gene", "section", "position", "id"]
        permissions = [
            ("review_claim", "Can approve, reject, request changes on and retire claims")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="claim_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(section__in=Section.values), name="claim_section_valid"
            ),
            models.CheckConstraint(
                condition=Q(evidence_type="") | Q(evidence_type__in=EvidenceType.values),
                name="claim_evidence_type_valid",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="claim_version_positive"),
            models.UniqueConstraint(
                fields=["supersedes"],
                condition=Q(status__in=OPEN),
                name="claim_one_open_revision",
            ),
        ]
        indexes = [
            models.Index(fields=["gene", "status", "section", "position"], name="claim_gene_page"),
            models.Index(fields=["status", "submitted_at"], name="claim_review_queue"),
            models.Index(fields=["updated_at"], name="claim_updated"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.gene} · {self.text[:60]}"

    def get_absolute_url(self):
        return f"/curate/claims/{self.pk}/"

    @staticmethod
    def next_position(gene, section):
        last = Claim.objects.filter(gene=gene, section=section).aggregate(m=Max("position"))["m"]
        return 0 if last is None else last + 1

    @property
    def is_public(self):
        return self.status == Status.APPROVED

    def may_edit(self, user):
        return self.status in EDITABLE and (user == self.author or is_admin(user))

    def may_decide(self, user):
        return can_review(user) and user.pk != self.author_id

    def snapshot(self):
        """What the claim said at this moment, for the audit trail."""
        return {
            "version": self.version,
            "section": self.section,
            "text": self.text,
            "evidence_type": self.evidence_type,
            "organism": self.organism,
            "mentioned_genes": sorted(g.symbol for g in self.mentioned_genes.all()),
            "citations": [
                {
                    "reference": c.reference_id,
                    "pmid": str(c.reference.pmid) if c.reference.pmid else None,
                    "doi": c.reference.doi,
                    "title": c.reference.title,
                    "position": c.position,
                    "stance": c.stance,
                    "locator": c.locator,
                    "quote": c.quote,
                }
                for c in self.citations.select_related("reference").order_by("position")
            ],
        }

    def set_citations(self, citations):
        """Replace the citations by `citations`: References or dicts with a "reference"."""
        self.citations.all().delete()
        seen = set()
        rows = []
        for item in citations:
            spec = item if isinstance(item, dict) else {"reference": item}
            reference = spec["reference"]
            if reference.pk in seen:
                continue
            seen.add(reference.pk)
            rows.append(
                Citation(
                    claim=self,
                    reference=reference,
                    position=len(rows),
                    stance=spec.get("stance") or Citation.Stance.SUPPORTS,
                    locator=spec.get("locator") or "",
                    quote=spec.get("quote") or "",
                )
            )
        Citation.objects.bulk_create(rows)

    # Transitions. Each is (who may act) -> (state allows it) -> (input is complete).

    def submit(self, user, comment="", version=None):
        self._require_author(user, "submit")
        self._require_status(Action.SUBMIT)
        if not self.text.strip():
            raise Invalid("Write the claim's text before submitting it.", code="empty_text")
        if not self.citations.exists():
            raise Invalid(
                "A claim needs at least one citation before it is submitted.", code="no_citations"
            )
        self._move(user, Action.SUBMIT, comment, version, submitted_at=timezone.now())

    def withdraw(self, user, comment="", version=None):
        self._require_author(user, "withdraw")
        self._require_status(Action.WITHDRAW)
        self._move(user, Action.WITHDRAW, comment, version)

    def approve(self, user, comment="", override_reason="", version=None):
        self._require_reviewer(user, "approve")
        self._require_status(Action.APPROVE)
        override_reason = (override_reason or "").strip()
        problems = self.citation_problems()
        if problems and not override_reason:
            raise Conflict(
                "Cannot approve yet: "
                + "; ".join(problems)
                + ". Wait for the metadata, or approve with an override reason that says why.",
                code="unresolved_references",
            )
        with transaction.atomic():
            self._move(
                user,
                Action.APPROVE,
                comment,
                version,
                override_reason=override_reason if problems else "",
                reviewer=user,
                decided_at=timezone.now(),
            )
            if self.supersedes_id:
                self.supersedes._supersede(user, by=self)

    def reject(self, user, comment="", version=None):
        self._decide(user, Action.REJECT, comment, version)

    def request_changes(self, user, comment="", version=None):
        self._decide(user, Action.REQUEST_CHANGES, comment, version)

    def retire(self, user, comment="", version=None):
        self._decide(user, Action.RETIRE, comment, version)

    def revise(self, user, comment=""):
        """Open a new draft that will replace this approved claim once approved."""
        if not can_write(user):
            raise Forbidden("Only curators can revise claims.", code="not_curator")
        if self.status != Status.APPROVED:
            raise Conflict(
                f"Only an approved claim can be revised; this one is {self.get_status_display()}.",
                code="illegal_transition",
            )
        existing = self.revisions.filter(status__in=OPEN).first()
        if existing:
            raise Conflict(
                f"Claim #{existing.pk} is already an open revision of this claim.",
                code="revision_exists",
            )
        with transaction.atomic():
            revision = Claim.objects.create(
                gene_id=self.gene_id,
                section=self.section,
                text=self.text,
                position=self.position,
                evidence_type=self.evidence_type,
                organism=self.organism,
                author=user,
                supersedes=self,
            )
            revision.mentioned_genes.set(self.mentioned_genes.all())
            revision.set_citations(
                {
                    "reference": c.reference,
                    "stance": c.stance,
                    "locator": c.locator,
                    "quote": c.quote,
                }
                for c in self.citations.select_related("reference").order_by("position")
            )
            comment = comment or f"Revision of claim #{self.pk}."
            ReviewEvent.record(revision, user, Action.REVISE, "", Status.DRAFT, comment)
        return revision

    def edit(self, user, *, version, citations=None, mentioned_genes=None, comment="", **fields):
        """Change a draft or a claim sent back for changes; `version` is the one the editor saw."""
        allowed = {"text", "section", "evidence_type", "organism"}
        unknown = set(fields) - allowed
        if unknown:
            raise TypeError(f"edit() cannot change {', '.join(sorted(unknown))}")
        self._require_author(user, "edit")
        if self.status not in EDITABLE:
            raise Conflict(
                f"A claim that is {self.get_status_display()} cannot be edited"
                + ("; open a revision instead." if self.status == Status.APPROVED else "."),
                code="not_editable",
            )
        if "text" in fields:
            fields["text"] = fields["text"].strip()
        with transaction.atomic():
            changed = Claim.objects.filter(pk=self.pk, version=version, status__in=EDITABLE).update(
                version=F("version") + 1, updated_at=timezone.now(), **fields
            )
            if not changed:
                self._raise_lost_race(version)
            if mentioned_genes is not None:
                self.mentioned_genes.set(mentioned_genes)
            if citations is not None:
                self.set_citations(citations)
            self.refresh_from_db()
            ReviewEvent.record(self, user, Action.EDIT, self.status, self.status, comment)

    def flag(self, flag, reason):
        """Mark an approved claim for a reviewer's attention (e.g. it cites a retracted paper)."""
        with transaction.atomic():
            claim = Claim.objects.select_for_update().get(pk=self.pk)
            if flag in claim.flags:
                return False
            claim.flags = [*claim.flags, flag]
            Claim.objects.filter(pk=self.pk).update(flags=claim.flags, updated_at=timezone.now())
            self.refresh_from_db()
            ReviewEvent.record(self, None, Action.FLAG, self.status, self.status, reason)
        return True

    def citation_problems(self):
        """Why the cited references do not yet allow approval, in words."""
        problems = []
        refs = Reference.objects.filter(citations__claim=self)
        for ref in refs.unresolved():
            label = f"PMID {ref.pmid}" if ref.pmid else (ref.doi or ref.title[:60] or ref.url)
            state = ref.get_fetch_status_display()
            problems.append(f"{label} has no metadata yet ({state})")
        for ref in refs.retracted():
            label = f"PMID {ref.pmid}" if ref.pmid else (ref.doi or ref.title[:60])
            problems.append(f"{label} is retracted")
        return problems

    def _decide(self, user, action, comment, version):
        verb = TRANSITIONS[action][2]
        self._require_reviewer(user, verb)
        self._require_status(action)
        if not (comment or "").strip():
            raise Invalid(
                f"Say why: a comment is required to {verb} a claim.", code="comment_required"
            )
        self._move(user, action, comment, version, reviewer=user, decided_at=timezone.now())

    def _supersede(self, user, by):
        changed = Claim.objects.filter(pk=self.pk, status=Status.APPROVED).update(
            status=Status.SUPERSEDED, version=F("version") + 1, updated_at=timezone.now()
        )
        if changed:
            self.refresh_from_db()
            ReviewEvent.record(
                self,
                user,
                Action.SUPERSEDE,
                Status.APPROVED,
                Status.SUPERSEDED,
                f"Superseded by claim #{by.pk}.",
            )

    def _require_author(self, user, verb):
        if not (user and user.is_active and (user.pk == self.author_id or is_admin(user))):
            raise Forbidden(
                f"Only the claim's author or an admin can {verb} it.", code="not_author"
            )

    def _require_reviewer(self, user, verb):
        if not can_review(user):
            raise Forbidden(f"Only reviewers can {verb} a claim.", code="not_reviewer")
        if user.pk == self.author_id:
            raise Forbidden(
                f"You wrote this claim, so someone else must {verb} it (four-eyes rule).",
                code="four_eyes",
            )

    def _require_status(self, action):
        sources, _, verb = TRANSITIONS[action]
        if self.status not in sources:
            raise Conflict(
                f"Cannot {verb} a claim that is {self.get_status_display()}.",
                code="illegal_transition",
            )

    def _move(self, user, action, comment, version, override_reason="", **fields):
        sources, target, _ = TRANSITIONS[action]
        seen = self.version if version is None else version
        old_status = self.status
        with transaction.atomic():
            changed = Claim.objects.filter(pk=self.pk, status=old_status, version=seen).update(
                status=target, version=F("version") + 1, updated_at=timezone.now(), **fields
            )
            if not changed:
                self._raise_lost_race(seen)
            self.refresh_from_db()
            ReviewEvent.record(
                self, user, action, old_status, target, comment, override_reason=override_reason
            )

    def _raise_lost_race(self, seen_version):
        expected_status = self.status
        self.refresh_from_db()
        if self.status != expected_status:
            raise Conflict(
                f"Someone else acted first: this claim is now {self.get_status_display()}.",
                code="illegal_transition",
            )
        raise StaleVersion(self, seen_version)


class Citation(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports"
        CONTRADICTS = "contradicts"
        BACKGROUND = "background"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    reference = models.ForeignKey(Reference, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField(default=0)
    stance = models.CharField(max_length=16, choices=Stance.choices, default=Stance.SUPPORTS)
    locator = models.CharField(
        max_length=128, blank=True, help_text='Where in the work, e.g. "Fig. 3" or "p. 1226".'
    )
    quote = models.TextField(blank=True, help_text="A short supporting quote.")

    class Meta:
        ordering = ["claim", "position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "reference"], name="citation_unique"),
            models.CheckConstraint(
                condition=Q(stance__in=["supports", "contradicts", "background"]),
                name="citation_stance_valid",
            ),
        ]

    def __str__(self):
        return f"claim #{self.claim_id} cites {self.reference}"


class ReviewEvent(models.Model):
    """One line of a claim's history. Written once, never edited or deleted."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Empty for the system (imports, scheduled checks).",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    comment = models.TextField(blank=True)
    override_reason = models.TextField(
        blank=True,
        help_text="Why the claim was approved despite unresolved or retracted citations.",
    )
    snapshot = models.JSONField(help_text="The claim's text and citations at that moment.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["claim", "created_at", "id"]

    def __str__(self):
        return f"{self.get_action_display()} claim #{self.claim_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Review events are an audit trail: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Review events are an audit trail: they cannot be deleted.")

    @classmethod
    def record(cls, claim, actor, action, from_status, to_status, comment="", override_reason=""):
        return cls.objects.create(
            claim=claim,
            actor=actor,
            action=action,
            from_status=from_status,
            to_status=to_status,
            comment=(comment or "").strip(),
            override_reason=override_reason,
            snapshot=claim.snapshot(),
        )
