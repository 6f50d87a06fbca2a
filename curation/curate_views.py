"""The curators' and reviewers' screens under /curate/.

Short views: fetch the claim through Claim.objects.visible_to(), validate with a
form, call one Claim method, redirect. A WorkflowError becomes a message.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from curation import diffs
from curation.curate_forms import (
    REFERENCE_ID_RE,
    ActionForm,
    ClaimForm,
    QueueFilterForm,
    citation_token,
)
from curation.decisions import DECIDED, DECISIONS, decide, review_actions
from curation.forms import EDIT_FIELDS
from curation.models import (
    OPEN,
    Action,
    Claim,
    ReviewEvent,
    StaleVersion,
    Status,
    WorkflowError,
    can_review,
    can_write,
)
from curation.templatetags.curate_tags import authors_short
from genes.models import NAME_MAX, Gene
from references.identifiers import split_identifiers
from references.models import Reference

QUEUE_PAGE_SIZE = 100
HOME_ROWS = 20  # claims of each status on the curator's home; the rest are a page away
ATTENTION_ROWS = 100
MY_CLAIMS_PAGE_SIZE = 100
NEWEST_FIRST = ("-updated_at", "-id")


def role_required(allowed, refusal):
    """Logged in (else the log-in page) and `allowed(user)` (else 403 with `refusal`)."""

    def decorator(view):
        @wraps(view)
        def check(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return login_required(check)

    return decorator


curator_required = role_required(can_write, "These pages are for curators and reviewers.")
reviewer_required = role_required(can_review, "The review queue is for reviewers.")


def get_claim(request, pk):
    claims = Claim.objects.visible_to(request.user).select_related(
        "gene", "author", "reviewer", "supersedes"
    )
    return get_object_or_404(claims, pk=pk)


@require_safe
@curator_required
def home(request):
    """The curator's claims: what needs them, recent decisions, the latest of each status.

    Each status shows its HOME_ROWS latest claims and links to all of them, a
    page at a time (``?status=``), so the page stays small for a prolific curator.
    """
    user = request.user
    if "status" in request.GET:
        return my_claims_with_status(request, request.GET["status"])
    mine = Claim.objects.filter(author=user)
    counts = dict(mine.order_by().values_list("status").annotate(Count("pk")))
    latest = list(
        listed(mine)
        .annotate(rank=Window(RowNumber(), partition_by=F("status"), order_by=NEWEST_FIRST))
        .filter(rank__lte=HOME_ROWS)
        .order_by(*NEWEST_FIRST)
    )
    by_status = [
        (status, label, counts[status], [c for c in latest if c.status == status])
        for status, label in Status.choices
        if status in counts
    ]
    # Sent back, flagged by a PubMed update, or citing a paper that is retracted or
    # could not be fetched while the claim can still be changed.
    attention = listed(mine).filter(
        Q(status=Status.CHANGES_REQUESTED)
        | ~Q(flags=[])
        | Q(status__in=OPEN, problem_citations__gt=0)
    )
    attention_count = attention.count()
    decisions = (
        ReviewEvent.objects.filter(claim__author=user, action__in=DECIDED)
        .select_related("actor", "claim__gene")
        .order_by("-created_at", "-id")[:10]
    )
    awaiting = (
        Claim.objects.awaiting_review().exclude(author=user).count() if can_review(user) else None
    )
    return render(
        request,
        "curation/curate_home.html",
        {
            "by_status": by_status,
            "attention": attention.order_by(*NEWEST_FIRST)[:ATTENTION_ROWS],
            "attention_count": attention_count,
            "decisions": decisions,
            "awaiting": awaiting,
        },
    )


def my_claims_with_status(request, status):
    """All the curator's claims in one status, newest first, a page at a time."""
    labels = dict(Status.choices)
    if status not in labels:
        raise Http404(f"No claim status is called {status!r}.")
    claims = listed(Claim.objects.filter(author=request.user, status=status))
    page = Paginator(claims.order_by(*NEWEST_FIRST), MY_CLAIMS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "curation/my_claims.html", {"page": page, "label": labels[status]})


def listed(claims):
    """Claims with what the lists show: the gene, and how many citations have a problem."""
    problem = Q(
        citations__reference__fetch_status__in=[
            Reference.FetchStatus.NOT_FOUND,
            Reference.FetchStatus.FAILED,
        ],
        citations__reference__manual_metadata=False,
    ) | Q(citations__reference__retracted=True)
    return claims.select_related("gene").annotate(
        problem_citations=Count("citations", filter=problem)
    )


def cite(cited):
    """The references for the form's cleaned citations; new identifiers become pending references."""
    ids = [key[1] for _, key in cited if key[0] == "id"]
    by_id = Reference.objects.in_bulk(ids)
    return [
        by_id[key[1]] if key[0] == "id" else Reference.objects.cited(token)[0]
        for token, key in cited
    ]


@curator_required
def claim_new(request):
    form = ClaimForm(request.POST or None, initial={"gene": request.GET.get("gene", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                claim = Claim.objects.create_draft(
                    author=request.user,
                    gene=data["gene"],
                    citations=cite(data["citations"]),
                    mentioned_genes=data["mentioned_genes"],
                    **{name: data[name] for name in EDIT_FIELDS},
                )
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Draft #{claim.pk} saved. Submit it when it is ready.")
            return redirect(claim)
    return render(request, "curation/claim_form.html", {"form": form, "claim": None})


@require_safe
@curator_required
def claim_detail(request, pk):
    claim = get_claim(request, pk)
    citations = list(claim.citations.select_related("reference").order_by("position"))
    events = list(claim.events.select_related("actor").order_by("created_at", "id"))
    revision_diff = None
    if claim.supersedes_id and claim.status in (*OPEN, Status.APPROVED):
        revision_diff = diffs.snapshot_diff(claim.supersedes.snapshot(), claim.snapshot())
    actions = review_actions(claim, request.user)
    return render(
        request,
        "curation/claim_detail.html",
        {
            "claim": claim,
            "citations": citations,
            "mentioned_genes": list(claim.mentioned_genes.all()),
            "history": diffs.history(events),
            "revision_diff": revision_diff,
            "actions": [(action, DECISIONS[action][0]) for action in actions],
            "may_edit": claim.may_edit(request.user),
            "problems": claim.citation_problems() if Action.APPROVE in actions else [],
        },
    )


def edit_changes(claim, data):
    """The arguments for Claim.edit() that the form changes, or None if it changes nothing."""
    fields = {name: data[name] for name in EDIT_FIELDS if data[name] != getattr(claim, name)}
    changes = {"fields": fields, "mentioned_genes": None, "citations": None}
    if {g.pk for g in data["mentioned_genes"]} != {g.pk for g in claim.mentioned_genes.all()}:
        changes["mentioned_genes"] = data["mentioned_genes"]
    current = {c.reference_id: c for c in claim.citations.order_by("position")}
    references = cite(data["citations"])
    if [r.pk for r in references] != list(current):
        # A reference still cited keeps its stance, locator and quote.
        changes["citations"] = [
            {
                "reference": r,
                "stance": getattr(current.get(r.pk), "stance", ""),
                "locator": getattr(current.get(r.pk), "locator", ""),
                "quote": getattr(current.get(r.pk), "quote", ""),
            }
            for r in references
        ]
    if not (fields or changes["mentioned_genes"] is not None or changes["citations"] is not None):
        return None
    return changes


@curator_required
def claim_edit(request, pk):
    claim = get_claim(request, pk)
    if not claim.may_edit(request.user):
        messages.error(
            request,
            f"Claim #{claim.pk} is {claim.get_status_display()}: only its author or an admin "
            "can edit it, and only as a draft or when changes are requested."
            + (" Revise it to change it." if claim.status == Status.APPROVED else ""),
        )
        return redirect(claim)
    citations = claim.citations.select_related("reference").order_by("position")
    form = ClaimForm(
        request.POST or None,
        claim=claim,
        initial=ClaimForm.initial_for(claim, citations, claim.mentioned_genes.all()),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data["version"] != claim.version:
                    raise StaleVersion(claim, data["version"])
                changes = edit_changes(claim, data)
                if changes:
                    claim.edit(
                        request.user,
                        version=data["version"],
                        citations=changes["citations"],
                        mentioned_genes=changes["mentioned_genes"],
                        **changes["fields"],
                    )
        except StaleVersion as error:
            claim.refresh_from_db()
            conflict = stale_changes(claim, data["version"])
            messages.error(request, error.message)
            # What the user typed stays; saving again applies it over the new version.
            form = ClaimForm(request.POST.copy(), claim=claim)
            form.data["version"] = claim.version
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            if changes:
                messages.success(request, f"Claim #{claim.pk} saved (version {claim.version}).")
            else:
                messages.info(request, "Nothing changed.")
            return redirect(claim)
    return render(
        request,
        "curation/claim_form.html",
        {"form": form, "claim": claim, "citations": citations, "conflict": conflict},
    )


def stale_changes(claim, seen_version):
    """What changed between the version the editor saw and now, for the stale-edit message."""
    events = list(claim.events.select_related("actor").order_by("created_at", "id"))
    return {
        "diff": diffs.snapshot_diff(diffs.snapshot_at(events, seen_version), claim.snapshot()),
        "events": [e for e in events if e.snapshot.get("version", 0) > seen_version],
    }


@require_POST
@curator_required
def claim_action(request, pk, action):
    if action not in DECISIONS:
        raise Http404
    claim = get_claim(request, pk)
    form = ActionForm(request.POST)
    if not form.is_valid():  # every field is optional; the model method says what is missing
        # Text that is there but refused (control characters, too long) stops the action.
        for field, errors in form.errors.items():
            messages.error(request, f"{form[field].label}: {' '.join(errors)}")
        return redirect(claim)
    try:
        shown = decide(claim, request.user, action, **form.cleaned_data)
    except WorkflowError as error:
        messages.error(request, error.message)
        return redirect(claim)
    if action == Action.REVISE:
        messages.success(request, f"Claim #{shown.pk} opened as a revision of claim #{claim.pk}.")
        return redirect("claim-edit", pk=shown.pk)
    messages.success(request, f"Claim #{claim.pk} {DECISIONS[action][1]}.")
    return redirect(claim)


@require_safe
@reviewer_required
def review_queue(request):
    form = QueueFilterForm(request.GET)
    form.is_valid()
    filters = form.cleaned_data
    fetched = Q(citations__reference__fetch_status=Reference.FetchStatus.FETCHED)
    manual = Q(citations__reference__manual_metadata=True)
    claims = (
        Claim.objects.awaiting_review()
        .exclude(author=request.user)
        .select_related("gene", "author")
        .annotate(
            citation_count=Count("citations"),
            unresolved=Count("citations", filter=~fetched & ~manual),
            retracted=Count("citations", filter=Q(citations__reference__retracted=True)),
        )
    )
    if filters.get("gene"):
        claims = claims.filter(gene__in=Gene.objects.lookup(filters["gene"]))
    if filters.get("section"):
        claims = claims.filter(section=filters["section"])
    if filters.get("author"):
        claims = claims.filter(author__username=filters["author"])
    page = Paginator(claims, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "curation/review_queue.html", {"form": form, "page": page})


@require_safe
@curator_required
def gene_search(request):
    """Genes whose symbol or a name starts with ?q=, for the claim form's search as you type."""
    q = request.GET.get("q", "").strip()
    if not q or len(q) > NAME_MAX:
        return JsonResponse({"genes": []})
    genes = (
        Gene.objects.filter(Q(symbol__istartswith=q) | Q(names__name_upper__startswith=q.upper()))
        .distinct()
        .order_by("symbol")[:10]
    )
    return JsonResponse({"genes": [{"symbol": g.symbol, "name": g.name} for g in genes]})


def reference_json(reference, identifier=None):
    pending = reference.fetch_status == Reference.FetchStatus.PENDING
    return {
        "identifier": identifier or citation_token(reference),
        "id": reference.pk,
        "state": reference.fetch_status,
        "state_label": "fetching" if pending else reference.get_fetch_status_display(),
        "resolved": reference.is_resolved,
        "title": reference.title,
        "authors": authors_short(reference.authors),
        "journal": reference.journal_abbrev or reference.journal,
        "year": reference.year,
        "retracted": reference.retracted,
        "error": reference.fetch_error,
    }


@require_http_methods(["GET", "POST"])
@curator_required
def citation_state(request):
    """What is known about citations, for the claim form.

    POST identifiers=... looks them up, as the claim form will on save (a new
    identifier becomes a pending reference, fetched in the background); GET
    ?ids=1,2 then polls those references' fetch state.
    """
    if request.method == "GET":
        ids = [int(i) for i in request.GET.get("ids", "").split(",") if i.strip().isdigit()][:50]
        found = Reference.objects.in_bulk(ids)
        return JsonResponse({"citations": [reference_json(found[i]) for i in ids if i in found]})
    rows = []
    for token in split_identifiers(request.POST.get("identifiers", ""))[:50]:
        if match := REFERENCE_ID_RE.match(token):
            reference = Reference.objects.filter(pk=match.group(1)).first()
            error = f"ref:{match.group(1)} is no reference in the database."
        else:
            try:
                reference, _ = Reference.objects.cited(token)
            except ValueError as e:
                reference, error = None, str(e)
        if reference is None:
            rows.append(
                {"identifier": token, "state": "invalid", "state_label": "invalid", "error": error}
            )
        else:
            rows.append(reference_json(reference, token))
    return JsonResponse({"citations": rows})
