"""The admin as the reviewers' tool.

Every change to a claim goes through the workflow methods on Claim (create_draft,
edit, submit, approve, ...), so the admin follows the same rules as the web
screens and the API and leaves the same audit trail. Nothing here assigns a
claim's status or version.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.timesince import timesince

from curation.decisions import DECISIONS, decide, review_actions
from curation.forms import EDIT_FIELDS, CitationInlineForm, ClaimAdminForm, DecisionForm
from curation.models import (
    Action,
    Citation,
    Claim,
    ReviewEvent,
    Status,
    WorkflowError,
    can_review,
    is_admin,
)

CONTENT_FIELDS = ["gene", *EDIT_FIELDS, "mentioned_genes"]
REVIEW_STATE_FIELDS = [
    "status",
    "version",
    "position",
    "author",
    "reviewer",
    "supersedes",
    "submitted_at",
    "decided_at",
    "flags",
    "created_at",
    "updated_at",
]


def cited_references(formset):
    """The citations the inline ends with, in order, in the form Claim.set_citations() takes."""
    rows = [
        (form.cleaned_data, index)
        for index, form in enumerate(formset.forms)
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]
    # A row with no position goes after the numbered ones; ties keep the order on screen.
    rows.sort(key=lambda row: (row[0]["position"] is None, row[0]["position"] or 0, row[1]))
    return [
        {
            "reference": data["reference"],
            "stance": data["stance"],
            "locator": data["locator"],
            "quote": data["quote"],
        }
        for data, _ in rows
    ]


class FlaggedFilter(admin.SimpleListFilter):
    title = "flagged"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "flagged for review"), ("no", "not flagged")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.flagged()
        if self.value() == "no":
            return queryset.filter(flags=[])
        return queryset


class CitationInline(admin.TabularInline):
    model = Citation
    form = CitationInlineForm
    autocomplete_fields = ["reference"]
    ordering = ["position"]
    extra = 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("reference")


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    fields = [
        "created_at",
        "action",
        "actor",
        "from_status",
        "to_status",
        "comment",
        "override_reason",
    ]
    readonly_fields = fields
    ordering = ["created_at", "id"]
    verbose_name_plural = "history"
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    form = ClaimAdminForm
    list_display = [
        "id",
        "gene",
        "section",
        "short_text",
        "status",
        "author",
        "reviewer",
        "age",
        "flag_list",
        "citation_count",
    ]
    list_display_links = ["id", "short_text"]
    list_select_related = ["gene", "author", "reviewer"]
    list_filter = [
        "status",
        "section",
        "evidence_type",
        FlaggedFilter,
        ("author", admin.RelatedOnlyFieldListFilter),
        ("reviewer", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["text", "gene__symbol", "author__username"]
    date_hierarchy = "updated_at"
    ordering = ["-updated_at", "-id"]
    autocomplete_fields = ["gene", "mentioned_genes"]
    inlines = [CitationInline, ReviewEventInline]
    actions = [
        "submit_claims",
        "approve_claims",
        "approve_claims_with_comment",
        "request_changes_on_claims",
        "reject_claims",
        "withdraw_claims",
        "retire_claims",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .annotate(citation_count=Count("citations"))
        )

    def get_inlines(self, request, obj):
        # A claim being added has no history yet.
        return self.inlines if obj else [CitationInline]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": CONTENT_FIELDS})]
        content = CONTENT_FIELDS
        if obj.may_edit(request.user):
            content = [*content, "seen_version"]
        return [(None, {"fields": content}), ("Review", {"fields": REVIEW_STATE_FIELDS})]

    def get_readonly_fields(self, request, obj=None):
        # Claim.edit() cannot move a claim to another gene.
        return REVIEW_STATE_FIELDS if obj is None else ["gene", *REVIEW_STATE_FIELDS]

    def has_change_permission(self, request, obj=None):
        # Only the author (or an admin) edits, and only a draft or a claim sent
        # back for changes; everyone else gets the read-only view.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.may_edit(request.user))

    def has_delete_permission(self, request, obj=None):
        # Claims are history: they are withdrawn, rejected or retired, never deleted.
        return False

    def has_review_permission(self, request):
        return can_review(request.user)

    def lookup_allowed(self, lookup, value, request=None):
        # The reference admin links here to list the claims that cite a reference.
        return lookup == "citations__reference" or super().lookup_allowed(lookup, value, request)

    def get_urls(self):
        decide_view = self.admin_site.admin_view(self.decide_view)
        return [
            path(
                "<path:object_id>/decide/<str:action>/",
                decide_view,
                name="curation_claim_decide",
            ),
            *super().get_urls(),
        ]

    # List columns

    @admin.display(description="text")
    def short_text(self, claim):
        return claim.text if len(claim.text) <= 80 else claim.text[:79] + "…"

    @admin.display(description="age", ordering="updated_at")
    def age(self, claim):
        if claim.status == Status.SUBMITTED and claim.submitted_at:
            return f"{timesince(claim.submitted_at)} in review"
        return timesince(claim.updated_at)

    @admin.display(description="flags")
    def flag_list(self, claim):
        return ", ".join(claim.flags)

    @admin.display(description="citations", ordering="citation_count")
    def citation_count(self, claim):
        return claim.citation_count

    # Saving through the workflow

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id:
            claim = self.get_object(request, unquote(object_id))
            if claim and not claim.may_edit(request.user):
                # Django would answer 403; say why instead (e.g. it was submitted
                # in another tab since this form was opened).
                if not self.has_view_permission(request, claim):
                    raise PermissionDenied
                self.message_user(
                    request,
                    f"Claim #{claim.pk} is {claim.get_status_display()}: only its author or "
                    "an admin can edit it, and only as a draft or when changes are requested.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except WorkflowError as error:
            # The form was valid, then the model method refused (someone acted in
            # the moment between). The admin's transaction has been rolled back.
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        # Nothing is written here: save_related() has the citation inline too
        # and saves the fields and the citations with one model call, so that
        # one save writes one ReviewEvent ("create" or "edit").
        pass

    def save_related(self, request, form, formsets, change):
        citations = None
        for formset in formsets:
            # Writes nothing; fills new/changed/deleted_objects for the change message.
            formset.save(commit=False)
            if formset.model is Citation and (not change or formset.has_changed()):
                citations = cited_references(formset)
        claim = form.instance
        data = form.cleaned_data
        if not change:
            created = Claim.objects.create_draft(
                author=request.user,
                gene=data["gene"],
                mentioned_genes=data["mentioned_genes"],
                citations=citations or [],
                **{name: data[name] for name in EDIT_FIELDS},
            )
            # The admin goes on with the instance its form built (for the log
            # entry and the redirect): make it the row create_draft() wrote.
            claim.pk = created.pk
            claim._state.adding = False
            claim.refresh_from_db()
            return
        fields = {name: data[name] for name in EDIT_FIELDS if name in form.changed_data}
        mentioned_genes = (
            data["mentioned_genes"] if "mentioned_genes" in form.changed_data else None
        )
        if fields or mentioned_genes is not None or citations is not None:
            claim.edit(
                request.user,
                version=data["seen_version"],
                citations=citations,
                mentioned_genes=mentioned_genes,
                **fields,
            )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["review_actions"] = (
            [(action, DECISIONS[action][0]) for action in review_actions(obj, request.user)]
            if obj
            else []
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Decisions on one claim, from its change page

    def decide_view(self, request, object_id, action):
        claim = self.get_object(request, unquote(object_id))
        if claim is None or action not in DECISIONS:
            raise Http404
        if not self.has_view_permission(request, claim):
            raise PermissionDenied
        form = DecisionForm(
            request.POST if request.method == "POST" else None,
            initial={"version": request.GET.get("version") or claim.version},
            action=action,
        )
        if form.is_valid():
            try:
                shown = decide(claim, request.user, action, **form.cleaned_data)
            except WorkflowError as error:
                form.add_error(None, ValidationError(error.message, code=error.code))
            else:
                self.message_user(
                    request, f"Claim #{claim.pk} {DECISIONS[action][1]}.", messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:curation_claim_change", args=[shown.pk]))
        return self.render_decision(request, [claim], action, form)

    def render_decision(self, request, claims, action, form, bulk=False):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{DECISIONS[action][0]}: {'selected claims' if bulk else claims[0]}",
            "claims": claims,
            "action": action,
            "action_label": DECISIONS[action][0],
            "form": form,
            "bulk": bulk,
            # The admin action to post back to, from a bulk action's intermediate page.
            "admin_action": request.POST.get("action", ""),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/curation/claim/decide.html", context)

    # Bulk actions: each claim through its model method, refusals reported one by one

    def apply_to_each(self, request, queryset, action, **kwargs):
        claims = list(queryset.select_related("gene").order_by("pk"))
        done = 0
        for claim in claims:
            try:
                decide(claim, request.user, action, **kwargs)
            except WorkflowError as error:
                self.message_user(
                    request, f"Claim #{claim.pk} ({claim.gene}): {error.message}", messages.WARNING
                )
            else:
                done += 1
        self.message_user(
            request,
            f"{done} of {len(claims)} selected claims {DECISIONS[action][1]}.",
            messages.SUCCESS if done else messages.WARNING,
        )

    def apply_with_comment(self, request, queryset, action):
        """Ask for the comment on an intermediate page, then apply the action to each claim."""
        form = DecisionForm(request.POST if "apply" in request.POST else None, action=action)
        # One override reason cannot vouch for the citations of many claims: approve those one by one.
        form.fields.pop("override_reason", None)
        if form.is_valid():
            self.apply_to_each(request, queryset, action, comment=form.cleaned_data["comment"])
            return None
        claims = list(queryset.select_related("gene", "author").order_by("pk"))
        return self.render_decision(request, claims, action, form, bulk=True)

    @admin.action(description="Submit selected claims", permissions=["change"])
    def submit_claims(self, request, queryset):
        self.apply_to_each(request, queryset, Action.SUBMIT)

    @admin.action(description="Approve selected claims", permissions=["review"])
    def approve_claims(self, request, queryset):
        self.apply_to_each(request, queryset, Action.APPROVE)

    @admin.action(description="Approve selected claims with a comment…", permissions=["review"])
    def approve_claims_with_comment(self, request, queryset):
        return self.apply_with_comment(request, queryset, Action.APPROVE)

    @admin.action(description="Request changes on selected claims…", permissions=["review"])
    def request_changes_on_claims(self, request, queryset):
        return self.apply_with_comment(request, queryset, Action.REQUEST_CHANGES)

    @admin.action(description="Reject selected claims…", permissions=["review"])
    def reject_claims(self, request, queryset):
        return self.apply_with_comment(request, queryset, Action.REJECT)

    @admin.action(description="Withdraw selected claims", permissions=["change"])
    def withdraw_claims(self, request, queryset):
        self.apply_to_each(request, queryset, Action.WITHDRAW)

    @admin.action(description="Retire selected claims…", permissions=["review"])
    def retire_claims(self, request, queryset):
        return self.apply_with_comment(request, queryset, Action.RETIRE)


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    """The audit trail: readable, never added to, changed or deleted here, not even by admins."""

    list_display = ["created_at", "claim", "action", "actor", "transition"]
    list_select_related = ["claim__gene", "actor"]
    list_filter = ["action"]
    # claim__id__exact compares the id as text, so a word in the box does not fail.
    search_fields = ["claim__id__exact", "comment"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    fields = [
        "claim",
        "created_at",
        "actor",
        "action",
        "from_status",
        "to_status",
        "comment",
        "override_reason",
        "snapshot",
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if can_review(request.user) or is_admin(request.user):
            return queryset
        # Others read the history of the claims they may see.
        return queryset.filter(claim__in=Claim.objects.visible_to(request.user))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="transition")
    def transition(self, event):
        if event.from_status == event.to_status:
            return event.get_to_status_display()
        return f"{event.get_from_status_display() or '—'} → {event.get_to_status_display()}"
