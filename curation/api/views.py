"""The REST API: the same genes, claims and references as the pages, and the same workflow.

Reading is open to all (anonymous callers see approved claims only, answered from the
cache: curation.api.caching). Every write calls exactly one Claim method, so the API
follows the rules of the screens; a refusal is a WorkflowError that exceptions.handle
turns into JSON.
"""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from curation.api import filters, schema
from curation.api.caching import CachedReads, cached
from curation.api.exceptions import Ambiguous
from curation.api.serializers import (
    ActionInput,
    ApproveInput,
    ClaimCreateInput,
    ClaimEditInput,
    ClaimSerializer,
    GeneDetailSerializer,
    GeneSerializer,
    ReferenceSerializer,
    ReviseInput,
)
from curation.models import Citation, Claim
from genes.models import Gene
from references.models import Reference


def claims_with_relations(claims):
    """Claims with everything their JSON shows, in a fixed number of queries."""
    # Lists (to_attr), not related managers: Django would build a queryset per claim for those.
    return claims.select_related("gene", "author", "reviewer").prefetch_related(
        Prefetch(
            "mentioned_genes", queryset=Gene.objects.order_by("symbol"), to_attr="mentioned_list"
        ),
        Prefetch(
            "citations",
            queryset=Citation.objects.select_related("reference").order_by("position"),
            to_attr="citation_list",
        ),
    )


class GeneViewSet(CachedReads, viewsets.ReadOnlyModelViewSet):
    """Genes of the catalogue. A gene answers to its symbol and its aliases, in any case."""

    queryset = Gene.objects.prefetch_related("names")
    serializer_class = GeneSerializer
    lookup_field = "symbol"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["symbol", "ncbi_gene_id"]
    ordering = ["symbol"]

    @extend_schema(
        description="A gene with its approved claims. An alias or a previous symbol, in any case, "
        "answers with the gene's own data (no redirect); a name shared by several genes "
        "answers 300 with the choices.",
        responses={
            200: GeneDetailSerializer,
            300: OpenApiResponse(
                schema.Ambiguous, description="The name belongs to several genes."
            ),
        },
    )
    @cached
    def retrieve(self, request, symbol):
        if "\x00" in symbol:
            raise NotFound()
        approved = claims_with_relations(Claim.objects.public()).order_by(
            "section", "position", "pk"
        )
        genes = list(
            Gene.objects.lookup(symbol).prefetch_related(
                "names", Prefetch("claims", queryset=approved, to_attr="approved_claims")
            )[:20]
        )
        if not genes:
            raise NotFound(f"No gene is called {symbol!r}.")
        if len(genes) > 1:
            raise Ambiguous(
                f"{symbol!r} names {len(genes)} genes; ask for one by its symbol.",
                choices=[
                    {
                        "symbol": gene.symbol,
                        "name": gene.name,
                        "url": reverse(
                            "api-gene-detail", kwargs={"symbol": gene.symbol}, request=request
                        ),
                    }
                    for gene in genes
                ],
            )
        return Response(GeneDetailSerializer(genes[0], context={"request": request}).data)


class ReferenceViewSet(CachedReads, viewsets.ReadOnlyModelViewSet):
    """Citable works: PubMed articles, DOI-only papers, database entries and web pages."""

    queryset = Reference.objects.all()
    serializer_class = ReferenceSerializer
    filterset_class = filters.ReferenceFilter
    ordering_fields = ["id", "year", "updated_at"]
    ordering = ["id"]


class ClaimViewSet(
    CachedReads,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Evidence statements about genes, and their review workflow.

    Anonymous callers see approved claims; a curator also sees their own, a
    reviewer every claim. Writing needs a curator's token or session.
    """

    serializer_class = ClaimSerializer
    filterset_class = filters.ClaimFilter
    ordering_fields = ["id", "updated_at", "submitted_at", "decided_at", "position"]
    ordering = ["id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return claims_with_relations(Claim.objects.visible_to(self.request.user))

    def respond(self, claim, code=status.HTTP_200_OK):
        claim = claims_with_relations(Claim.objects.all()).get(pk=claim.pk)
        return Response(self.get_serializer(claim).data, status=code)

    def claim_and_input(self, input_class):
        """The claim named in the URL (any, so that a refusal is the rule's 403) and the body."""
        claim = get_object_or_404(Claim, pk=self.kwargs["pk"])
        body = input_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return claim, body

    def step(self, method, input_class=ActionInput):
        """Take a workflow step (a Claim method) on the claim in the URL, and show the claim."""
        claim, body = self.claim_and_input(input_class)
        method(claim, self.request.user, **body.validated_data)
        return self.respond(claim)

    @extend_schema(
        request=ClaimCreateInput,
        responses={201: ClaimSerializer},
        examples=[
            OpenApiExample(
                "A draft citing a PubMed paper and a database entry",
                request_only=True,
                value={
                    "gene": "IRF7",
                    "text": "IRF7 is the master regulator of type I interferon responses.",
                    "section": "function",
                    "evidence_type": "in_vivo",
                    "organism": "Mus musculus",
                    "references": [
                        {"pmid": "15800576", "locator": "Fig. 4"},
                        {
                            "url": "https://www.ncbi.nlm.nih.gov/gene/3665",
                            "title": "Entrez Gene: IRF7",
                        },
                    ],
                },
            )
        ],
        description="Create a draft. Each reference is found by its PMID, DOI or PMCID, or "
        "created and queued for fetching from PubMed; a {url, title} reference is matched by "
        "its URL or created with the title given.",
    )
    def create(self, request):
        body = ClaimCreateInput(data=request.data)
        body.is_valid(raise_exception=True)
        with transaction.atomic():
            claim = Claim.objects.create_draft(
                author=request.user, gene=body.validated_data["gene"], **body.claim_arguments()
            )
        return self.respond(claim, status.HTTP_201_CREATED)

    @extend_schema(
        request=ClaimEditInput,
        responses={200: ClaimSerializer},
        examples=[
            OpenApiExample(
                "New text, with the version read",
                request_only=True,
                value={"version": 1, "text": "IRF7 regulates interferon-alpha genes."},
            )
        ],
        description="Edit a draft or a claim sent back for changes (author or admin). Fields left "
        "out are kept; `references` replaces every citation.",
    )
    def partial_update(self, request, pk):
        claim, body = self.claim_and_input(ClaimEditInput)
        with transaction.atomic():
            claim.edit(
                request.user, version=body.validated_data["version"], **body.claim_arguments()
            )
        return self.respond(claim)

    @extend_schema(request=ActionInput, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk):
        """Send a draft for review (author or admin). It needs text and a citation."""
        return self.step(Claim.submit)

    @extend_schema(request=ApproveInput, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk):
        """Approve a submitted claim (a reviewer who did not write it).

        Every cited reference must be resolved and none retracted, unless
        `override_reason` says why to approve anyway.
        """
        return self.step(Claim.approve, ApproveInput)

    @extend_schema(request=ActionInput, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk):
        """Reject a submitted claim (a reviewer who did not write it; a comment is required)."""
        return self.step(Claim.reject)

    @extend_schema(request=ActionInput, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk):
        """Send a submitted claim back to its author (a reviewer; a comment is required)."""
        return self.step(Claim.request_changes)

    @extend_schema(request=ActionInput, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk):
        """Take an approved claim off the public pages (a reviewer; a comment is required)."""
        return self.step(Claim.retire)

    @extend_schema(request=ActionInput, responses={200: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk):
        """Withdraw a draft or a claim sent back for changes (author or admin)."""
        return self.step(Claim.withdraw)

    @extend_schema(request=ReviseInput, responses={201: ClaimSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk):
        """Open a new draft that replaces this approved claim once it is approved (curators)."""
        claim, body = self.claim_and_input(ReviseInput)
        revision = claim.revise(request.user, **body.validated_data)
        return self.respond(revision, status.HTTP_201_CREATED)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
def not_found(request):
    raise NotFound("There is no such address in this API.")
