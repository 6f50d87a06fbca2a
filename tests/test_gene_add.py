"""Curators add a missing gene by its NCBI Gene ID, from their screen or the admin."""

import pytest
from django.test import Client
from django.urls import reverse

from genes import tasks
from genes.models import Gene
from tests.factories import make_gene

pytestmark = pytest.mark.django_db

URL = "/curate/genes/add/"


@pytest.fixture
def queued(monkeypatch):
    """The id lists fetch_genes.delay is called with."""
    calls = []
    monkeypatch.setattr(tasks.fetch_genes, "delay", lambda ids: calls.append(list(ids)))
    return calls


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_user_outside_the_curators_may_not_add_genes(client, outsider, queued):
    client.force_login(outsider)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"ncbi_gene_id": "25"}).status_code == 403
    assert not Gene.objects.exists()


def test_a_curator_adds_a_gene_that_is_fetched_once_the_transaction_commits(
    client, curator, queued, django_capture_on_commit_callbacks
):
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"ncbi_gene_id": "25"}, follow=True)

    gene = Gene.objects.get(ncbi_gene_id=25)
    assert (gene.symbol, gene.fetch_status) == ("LOC25", "pending")
    assert queued == [[gene.pk]]
    assert "Gene ID 25 added; its details are being fetched from NCBI." in response.content.decode()


def test_the_screen_lists_genes_added_by_id_with_their_fetch_errors(
    client, reviewer, django_assert_num_queries
):
    failed = Gene.objects.add_by_id(106099058)[0]
    failed.record_fetch_failure("Gene ID 106099058 is a Oreochromis niloticus gene")
    Gene.objects.add_by_id(26)
    make_gene("MYH7", ncbi_gene_id=4625)  # loaded from files: not listed
    client.force_login(reviewer)

    # session, user, group check, genes, and the idle-clock session save (savepoint, update, release)
    with django_assert_num_queries(7):
        response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Oreochromis niloticus gene" in page and "LOC26" in page
    assert "MYH7" not in page


def test_a_gene_already_in_the_catalogue_is_not_added_again(client, curator, queued, gene):
    client.force_login(curator)
    response = client.post(URL, {"ncbi_gene_id": "3665"}, follow=True)
    assert "already in the catalogue as IRF7" in response.content.decode()
    assert queued == [] and Gene.objects.count() == 1


def test_a_gene_whose_fetch_failed_is_fetched_again(
    client, curator, queued, django_capture_on_commit_callbacks
):
    gene = Gene.objects.add_by_id(25)[0]
    gene.record_fetch_failure("esummary failed after 5 attempt(s); last: HTTP 503")
    client.force_login(curator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"ncbi_gene_id": "25"})
    assert queued == [[gene.pk]]


def test_a_gene_id_must_be_a_positive_number(client, curator, queued):
    client.force_login(curator)
    response = client.post(URL, {"ncbi_gene_id": "IRF7"})
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()
    assert not Gene.objects.exists()


def test_posting_without_the_csrf_token_is_refused(curator, queued):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    assert client.post(URL, {"ncbi_gene_id": "25"}).status_code == 403
    assert not Gene.objects.exists()


def test_the_admin_adds_a_gene_by_id_alone_and_queues_its_fetch(
    admin_log_in, admin, queued, django_capture_on_commit_callbacks
):
    client = admin_log_in(admin)
    form = client.get("/admin/genes/gene/add/").content.decode()
    assert "Leave empty to fetch it from NCBI Gene." in form
    data = {"ncbi_gene_id": "25", "symbol": "", "uniprot_ids": "[]", "mim_ids": "[]"}
    data.update({"names-TOTAL_FORMS": 0, "names-INITIAL_FORMS": 0})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/genes/gene/add/", data)

    assert response.status_code == 302
    gene = Gene.objects.get(ncbi_gene_id=25)
    assert (gene.symbol, gene.fetch_status) == ("LOC25", "pending")
    assert queued == [[gene.pk]]
    change = client.get(f"/admin/genes/gene/{gene.pk}/change/").content.decode()
    assert "Fetch status" in change


def test_a_gene_entered_by_hand_in_the_admin_is_not_fetched(
    admin_log_in, admin, queued, django_capture_on_commit_callbacks
):
    client = admin_log_in(admin)
    data = {"ncbi_gene_id": "3444", "symbol": "IFNA7", "uniprot_ids": "[]", "mim_ids": "[]"}
    data.update({"names-TOTAL_FORMS": 0, "names-INITIAL_FORMS": 0})
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/admin/genes/gene/add/", data).status_code == 302
    assert Gene.objects.get(ncbi_gene_id=3444).fetch_status == ""
    assert queued == []


def test_the_admin_finds_a_gene_by_any_of_its_names(admin_log_in, admin):
    from genes.models import GeneName

    myh7 = make_gene("MYH7", ncbi_gene_id=4625)
    myh7.add_name("CMH1", GeneName.Kind.DISCONTINUED)
    myh7.add_name("1226", GeneName.Kind.DISCONTINUED_ID)
    make_gene("ACHE", ncbi_gene_id=43)
    client = admin_log_in(admin)
    for term in ("cmh1", "1226", "4625"):
        page = client.get("/admin/genes/gene/", {"q": term}).content.decode()
        assert "MYH7" in page and "ACHE" not in page, term


def test_the_admin_fetches_selected_genes_again(
    admin_log_in, admin, queued, gene, django_capture_on_commit_callbacks
):
    client = admin_log_in(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/genes/gene/", {"action": "fetch_from_ncbi", "_selected_action": [gene.pk]}
        )
    assert queued == [[gene.pk]]
