"""Writing a claim at /curate/claims/new/: gene by symbol or alias, citations typed as identifiers."""

import pytest

from curation.models import Action, Claim, Status
from genes.models import GeneName
from references.models import Reference
from tests.factories import make_claim, make_gene, make_reference

pytestmark = pytest.mark.django_db

URL = "/curate/claims/new/"


def form_data(**overrides):
    data = {
        "gene": "IRF7",
        "section": "function",
        "evidence_type": "in_vitro",
        "organism": "Homo sapiens",
        "text": "IRF7 induces IFNA7 in plasmacytoid dendritic cells.",
        "citations": "PMID: 9822609",
        "mentioned_genes": "",
    }
    return {**data, **overrides}


@pytest.fixture
def logged_in(client, curator):
    client.force_login(curator)
    return client


def test_new_claim_page_shows_the_form(logged_in):
    response = logged_in.get(URL, {"gene": "IRF7"})

    assert response.status_code == 200
    assert 'value="IRF7"' in response.text
    assert 'name="citations"' in response.text


def test_claim_form_has_no_inline_script_or_style(logged_in):
    # A Content-Security-Policy without 'unsafe-inline' must not break the form.
    response = logged_in.get(URL)

    assert "<script>" not in response.text
    assert "<style>" not in response.text
    assert '<script src="/static/curation/claim_form.js" defer></script>' in response.text


def test_curator_writes_a_draft_citing_new_and_known_references(
    logged_in, curator, gene, sent, django_capture_on_commit_callbacks
):
    known = make_reference(doi="10.1128/jvi.72.12.9790-9800.1998")
    ifna7 = make_gene("IFNA7", ncbi_gene_id=3444)

    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(
            URL,
            form_data(
                citations="9822609\nhttps://doi.org/10.1128/JVI.72.12.9790-9800.1998, PMC110491",
                mentioned_genes="ifna7",
            ),
        )

    claim = Claim.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/curate/claims/{claim.pk}/"
    assert (claim.author, claim.gene, claim.status) == (curator, gene, Status.DRAFT)
    assert (claim.section, claim.evidence_type, claim.organism) == (
        "function",
        "in_vitro",
        "Homo sapiens",
    )
    assert list(claim.mentioned_genes.all()) == [ifna7]
    cited = [c.reference for c in claim.citations.order_by("position")]
    assert cited[0].pmid == 9822609
    assert cited[1] == known
    assert cited[2].pmcid == "PMC110491"
    assert cited[0].fetch_status == Reference.FetchStatus.PENDING
    # The two new references go to the workers as one fetch, once the claim commits.
    assert sent == [[cited[0].pk, cited[2].pk]]
    (event,) = claim.events.all()
    assert (event.action, event.actor) == (Action.CREATE, curator)


def test_gene_can_be_named_by_an_alias(logged_in, gene):
    gene.add_name("IFN-REG7", GeneName.Kind.ALIAS)

    logged_in.post(URL, form_data(gene="ifn-reg7"))

    assert Claim.objects.get().gene == gene


def test_unknown_gene_is_a_form_error(logged_in):
    response = logged_in.post(URL, form_data(gene="NOPE1"))

    assert response.status_code == 200
    assert "No gene is called &#x27;NOPE1&#x27;." in response.text
    assert not Claim.objects.exists()


def test_ambiguous_alias_lists_the_genes_it_may_mean(logged_in, gene):
    other = make_gene("IRF9", name="interferon regulatory factor 9")
    for g in (gene, other):
        g.add_name("IRF-X", GeneName.Kind.ALIAS)

    response = logged_in.post(URL, form_data(gene="IRF-X"))

    assert response.status_code == 200
    errors = response.context["form"].errors["gene"]
    assert errors == [
        "'IRF-X' names several genes: IRF7 (interferon regulatory factor 7), "
        "IRF9 (interferon regulatory factor 9). Type one of these symbols."
    ]
    assert not Claim.objects.exists()


def test_each_invalid_identifier_is_named(logged_in, gene):
    response = logged_in.post(URL, form_data(citations="9822609 banana, PMCxyz"))

    errors = response.context["form"].errors["citations"]
    assert len(errors) == 2
    assert "'banana' is not a PMID" in errors[0]
    assert "'PMCxyz' is not a PMCID" in errors[1]
    assert not Claim.objects.exists()
    assert not Reference.objects.exists()


def test_unknown_mentioned_gene_is_a_form_error(logged_in, gene):
    response = logged_in.post(URL, form_data(mentioned_genes="IRF3, NOPE2"))

    errors = response.context["form"].errors["mentioned_genes"]
    assert errors == ["No gene is called 'IRF3'.", "No gene is called 'NOPE2'."]


def test_duplicate_pmid_is_warned_about_and_saved_once_confirmed(logged_in, gene):
    data = form_data(citations="9822609 PMID:9822609")

    warned = logged_in.post(URL, data)
    confirmed = logged_in.post(URL, {**data, "confirm": "on"})

    assert warned.status_code == 200
    assert "PMID:9822609 is listed twice (also as 9822609); it is cited once." in warned.text
    assert 'name="confirm"' in warned.text
    assert confirmed.status_code == 302
    assert Claim.objects.get().citations.count() == 1


def test_identical_existing_claim_on_the_gene_is_warned_about(logged_in, curator, gene):
    existing = make_claim(curator, gene=gene, text="IRF7 induces IFNA7.")

    warned = logged_in.post(URL, form_data(text="irf7 induces IFNA7."))

    assert warned.status_code == 200
    assert f"Claim #{existing.pk} on IRF7 (draft) already says exactly this." in warned.text
    assert Claim.objects.count() == 1


def test_text_is_required(logged_in, gene):
    response = logged_in.post(URL, form_data(text="  "))

    assert response.context["form"].errors["text"] == ["This field is required."]


def test_user_text_is_escaped(logged_in, gene):
    logged_in.post(URL, form_data(text="<script>alert(1)</script> IRF7", citations=""))

    response = logged_in.get(Claim.objects.get().get_absolute_url())

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
