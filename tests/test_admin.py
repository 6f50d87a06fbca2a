"""The admin's pages, permissions, list query counts and search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation.models import Claim, ReviewEvent
from genes.models import Gene, GeneName
from references.models import Reference
from tests.factories import (
    make_approved_claim,
    make_claim,
    make_gene,
    make_reference,
    make_submitted_claim,
)

pytestmark = pytest.mark.django_db

MODELS = {
    "gene": "genes",
    "genename": "genes",
    "reference": "references",
    "claim": "curation",
    "reviewevent": "curation",
}


def admin_url(model, view, *args):
    return reverse(f"admin:{MODELS[model]}_{model}_{view}", args=args)


@pytest.fixture
def rows(curator, reviewer, gene):
    """A few rows of every kind: an approved claim, a draft, an alias, their events."""
    gene.add_name("IFN-REG7", GeneName.Kind.ALIAS)
    approved = make_approved_claim(curator, reviewer, gene=gene)
    draft = make_claim(curator, gene=gene, text="IRF7 is expressed in plasmacytoid cells.")
    return {
        "gene": gene,
        "genename": gene.names.get(),
        "reference": approved.citations.get().reference,
        "claim": draft,
        "reviewevent": approved.events.last(),
    }


@pytest.mark.parametrize("model", MODELS)
def test_superuser_opens_every_changelist_and_change_page(client, admin, rows, model):
    client.force_login(admin)

    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "change", rows[model].pk)).status_code == 200


@pytest.mark.parametrize("model", ["gene", "genename", "reference", "claim"])
def test_superuser_opens_the_add_page(client, admin, model):
    client.force_login(admin)

    assert client.get(admin_url(model, "add")).status_code == 200


def test_superuser_opens_an_approved_claim_read_only(client, admin, rows):
    client.force_login(admin)
    approved = rows["reviewevent"].claim

    response = client.get(admin_url("claim", "change", approved.pk))

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert 'name="text"' not in response.text


def test_review_events_cannot_be_added_changed_or_deleted_even_by_a_superuser(client, admin, rows):
    client.force_login(admin)
    event = rows["reviewevent"]

    assert client.get(admin_url("reviewevent", "add")).status_code == 403
    assert client.post(admin_url("reviewevent", "add"), {"comment": "x"}).status_code == 403
    assert client.get(admin_url("reviewevent", "delete", event.pk)).status_code == 403
    assert client.post(admin_url("reviewevent", "delete", event.pk)).status_code == 403
    response = client.post(admin_url("reviewevent", "change", event.pk), {"comment": "edited"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.comment == ""


def test_claims_cannot_be_deleted_from_the_admin(client, admin, rows):
    client.force_login(admin)
    claim = rows["claim"]

    assert client.post(admin_url("claim", "delete", claim.pk)).status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()
    changelist = client.get(admin_url("claim", "changelist"))
    assert "delete_selected" not in changelist.text


def test_staff_user_outside_the_groups_cannot_open_claims(admin_log_in, outsider, rows):
    client = admin_log_in(outsider)

    assert client.get(admin_url("claim", "changelist")).status_code == 403
    assert client.get(admin_url("claim", "change", rows["claim"].pk)).status_code == 403


def test_curator_sees_approved_claims_and_their_own_drafts_only(
    admin_log_in, curator, other_curator, rows
):
    someone_elses = make_claim(other_curator, gene=rows["gene"])
    client = admin_log_in(curator)

    response = client.get(admin_url("claim", "changelist"))

    shown = {claim.pk for claim in response.context["cl"].result_list}
    assert shown == {rows["claim"].pk, rows["reviewevent"].claim_id}
    assert client.get(admin_url("claim", "change", someone_elses.pk)).status_code == 302
    history = client.get(admin_url("reviewevent", "changelist"))
    assert someone_elses.pk not in {e.claim_id for e in history.context["cl"].result_list}


def test_gene_list_counts_only_approved_claims(client, admin, rows):
    client.force_login(admin)

    response = client.get(admin_url("gene", "changelist"))

    (gene,) = response.context["cl"].result_list
    assert gene.approved_claim_count == 1


# Query counts: the number of rows must not change the number of queries.


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


def make_claim_rows(n, curator, reviewer):
    for i in range(n):
        gene = make_gene()
        references = [make_reference(), make_reference()]
        if i % 3 == 0:
            make_approved_claim(curator, reviewer, gene=gene, references=references)
        elif i % 3 == 1:
            make_submitted_claim(curator, gene=gene, references=references)
        else:
            make_claim(curator, gene=gene, references=references)
        gene.add_name(f"ALIAS{gene.pk}", GeneName.Kind.ALIAS)


@pytest.mark.parametrize("model", ["claim", "reference", "gene", "reviewevent"])
def test_changelist_queries_do_not_grow_with_rows(client, admin, curator, reviewer, model):
    client.force_login(admin)
    url = admin_url(model, "changelist")
    make_claim_rows(3, curator, reviewer)
    few, few_rows = count_queries(client, url)

    make_claim_rows(27, curator, reviewer)
    many, many_rows = count_queries(client, url)

    assert many_rows > few_rows >= 3
    assert many == few


def test_claim_changelist_query_count_is_bounded(
    client, admin, curator, reviewer, django_assert_max_num_queries
):
    client.force_login(admin)
    make_claim_rows(12, curator, reviewer)

    with django_assert_max_num_queries(12):
        response = client.get(admin_url("claim", "changelist"))

    assert response.context["cl"].result_count == 12


# Search


@pytest.fixture
def paper(db):
    return make_reference(
        pmid=9822609,
        doi="10.1128/JVI.72.12.9790-9800.1998",
        pmcid="PMC110491",
        title="Differential viral induction of distinct interferon-alpha genes",
    )


def search(client, model, term):
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


@pytest.mark.parametrize(
    "term",
    [
        "9822609",
        "PMID: 9822609",
        "10.1128/jvi.72.12.9790-9800.1998",
        "https://doi.org/10.1128/JVI.72.12.9790-9800.1998",
        "PMC110491",
        "interferon-alpha",
        "viral induction",
        "JVI.72",
    ],
)
def test_reference_search_finds_it_by_identifier_or_title(client, admin, paper, term):
    make_reference(title="Another paper entirely")
    client.force_login(admin)

    assert search(client, "reference", term) == [paper]


@pytest.mark.parametrize("term", ["IRF7 abc", "pmid:abc", "PMCabc", "10.9999"])
def test_reference_search_with_words_does_not_crash(client, admin, paper, term):
    client.force_login(admin)

    assert search(client, "reference", term) == []


def test_reference_autocomplete_finds_it_by_pmid(client, admin, paper):
    client.force_login(admin)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "curation",
            "model_name": "citation",
            "field_name": "reference",
            "term": "PMID 9822609",
        },
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(paper.pk)]


@pytest.mark.parametrize("term", ["IRF7", "irf", "IFN-REG7", "3665", "regulatory factor"])
def test_gene_search_finds_it_by_symbol_alias_id_or_name(client, admin, rows, term):
    make_gene("TP53", ncbi_gene_id=7157, name="tumor protein p53")
    client.force_login(admin)

    assert search(client, "gene", term) == [rows["gene"]]


def test_gene_search_by_alias_keeps_the_approved_claim_count(client, admin, rows):
    rows["gene"].add_name("IFN-REG7B", GeneName.Kind.PREVIOUS)
    client.force_login(admin)

    (gene,) = search(client, "gene", "IFN-REG")

    assert gene.approved_claim_count == 1


def test_claim_search_finds_it_by_gene_symbol_text_or_author(client, admin, rows, other_curator):
    other = make_claim(other_curator, text="TP53 binds DNA.")
    client.force_login(admin)

    assert set(search(client, "claim", "irf7")) == {rows["claim"], rows["reviewevent"].claim}
    assert search(client, "claim", "plasmacytoid") == [rows["claim"]]
    assert search(client, "claim", "oscar") == [other]


def test_review_event_search_by_claim_id_or_comment(client, admin, rows, reviewer):
    claim = rows["reviewevent"].claim
    claim.retire(reviewer, "Superseded by newer data.")
    client.force_login(admin)

    assert {e.claim_id for e in search(client, "reviewevent", str(claim.pk))} == {claim.pk}
    assert [e.action for e in search(client, "reviewevent", "newer data")] == ["retire"]
    assert search(client, "reviewevent", "no-such-words") == []


def test_citing_claims_link_lists_the_claims_citing_a_reference(client, admin, rows, curator):
    reference = rows["reference"]
    make_claim(curator, references=[make_reference()])
    client.force_login(admin)

    response = client.get(admin_url("claim", "changelist"), {"citations__reference": reference.pk})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [rows["reviewevent"].claim]


def test_flagged_filter_lists_claims_with_flags(client, admin, rows):
    flagged = rows["reviewevent"].claim
    flagged.flag("cites_retracted", "PMID 1 was retracted.")
    client.force_login(admin)

    yes = client.get(admin_url("claim", "changelist"), {"flagged": "yes"})
    no = client.get(admin_url("claim", "changelist"), {"flagged": "no"})

    assert list(yes.context["cl"].result_list) == [flagged]
    assert list(no.context["cl"].result_list) == [rows["claim"]]


def test_reference_fetch_state_is_read_only(client, admin, paper):
    client.force_login(admin)

    response = client.get(admin_url("reference", "change", paper.pk))

    form = response.context["adminform"].form
    assert "fetch_status" not in form.fields
    assert "fetch_error" not in form.fields
    assert "title" in form.fields


def test_reference_added_in_the_admin_stores_normalised_identifiers(client, admin):
    client.force_login(admin)
    data = {
        "kind": "article",
        "pmid": "12345",
        "pmid_version": 1,
        "doi": "https://doi.org/10.1000/ABC",
        "title": "A hand-entered paper",
        "authors": "[]",
        "abstract_sections": "[]",
        "publication_types": "[]",
        "mesh_terms": "[]",
        "retraction_pmids": "[]",
        "erratum_pmids": "[]",
        "concern_pmids": "[]",
    }

    response = client.post(admin_url("reference", "add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    reference = Reference.objects.get()
    assert (reference.pmid, reference.doi) == (12345, "10.1000/abc")
    assert reference.fetch_status == Reference.FetchStatus.PENDING


def test_reviewer_cannot_reach_review_event_writes_either(admin_log_in, reviewer, rows):
    client = admin_log_in(reviewer)
    event = rows["reviewevent"]

    assert client.get(admin_url("reviewevent", "change", event.pk)).status_code == 200
    assert client.post(admin_url("reviewevent", "change", event.pk), {}).status_code == 403
    assert ReviewEvent.objects.filter(pk=event.pk).exists()


def test_gene_added_with_an_alias_through_the_inline(client, admin):
    client.force_login(admin)
    data = {
        "symbol": "IFNA7",
        "name": "interferon alpha 7",
        "ncbi_gene_id": 3444,
        "uniprot_ids": "[]",
        "names-TOTAL_FORMS": 1,
        "names-INITIAL_FORMS": 0,
        "names-0-name": "IFN-alphaJ",
        "names-0-kind": "alias",
    }

    response = client.post(admin_url("gene", "add"), data)

    assert response.status_code == 302
    gene = Gene.objects.get(symbol="IFNA7")
    assert gene.aliases == ["IFN-alphaJ"]


def test_duplicate_alias_in_the_gene_inline_is_a_form_error(client, admin, rows):
    gene = rows["gene"]
    alias = rows["genename"]
    client.force_login(admin)
    data = {
        "symbol": gene.symbol,
        "name": gene.name,
        "ncbi_gene_id": gene.ncbi_gene_id,
        "uniprot_ids": "[]",
        "names-TOTAL_FORMS": 2,
        "names-INITIAL_FORMS": 1,
        "names-0-id": alias.pk,
        "names-0-gene": gene.pk,
        "names-0-name": alias.name,
        "names-0-kind": "alias",
        "names-1-name": alias.name.lower(),
        "names-1-kind": "alias",
    }

    response = client.post(admin_url("gene", "change", gene.pk), data)

    assert response.status_code == 200
    assert "This gene already has this name." in response.text
    assert gene.names.count() == 1


def test_duplicate_gene_name_in_its_own_admin_is_a_form_error(client, admin, rows):
    gene = rows["gene"]
    other = GeneName.objects.create(gene=gene, name="IRF-7X", kind="alias")
    client.force_login(admin)

    response = client.post(
        admin_url("genename", "change", other.pk),
        {"gene": gene.pk, "name": "ifn-reg7", "kind": "alias"},
    )

    assert response.status_code == 200
    assert "This gene already has this name." in response.text
    other.refresh_from_db()
    assert other.name == "IRF-7X"
