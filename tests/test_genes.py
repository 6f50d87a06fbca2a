import pytest
from django.db import IntegrityError, transaction

from genes.models import Gene, GeneName
from tests.factories import make_gene


@pytest.mark.django_db
def test_symbol_is_unique_whatever_the_case():
    make_gene("IRF7")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_gene("irf7")


@pytest.mark.django_db
def test_hgnc_id_unique_where_present_and_well_formed():
    make_gene("A", hgnc_id="HGNC:6122")
    make_gene("B")
    make_gene("C")  # two genes without an HGNC id are fine
    with pytest.raises(IntegrityError), transaction.atomic():
        make_gene("D", hgnc_id="HGNC:6122")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_gene("E", hgnc_id="6123")


@pytest.mark.django_db
def test_lookup_by_symbol_alias_previous_symbol_and_gene_id():
    ifna7 = make_gene("IFNA7", ncbi_gene_id=3444)
    ifna7.add_name("IFN-ALPHAJ", GeneName.Kind.ALIAS)
    ifna7.add_name("IFNA-J", GeneName.Kind.ALIAS)
    ifna7.add_name("4321", GeneName.Kind.DISCONTINUED_ID)

    assert list(Gene.objects.lookup("ifna7")) == [ifna7]
    assert list(Gene.objects.lookup("ifn-alphaj")) == [ifna7]
    assert list(Gene.objects.lookup("3444")) == [ifna7]
    assert list(Gene.objects.lookup("4321")) == [ifna7]
    assert not Gene.objects.lookup("IFNA99").exists()
    assert not Gene.objects.lookup("  ").exists()


@pytest.mark.django_db
def test_shared_alias_returns_every_gene_not_a_guess():
    one, two = make_gene("ONE"), make_gene("TWO")
    one.add_name("SHARED1", GeneName.Kind.ALIAS)
    two.add_name("shared1", GeneName.Kind.ALIAS)
    assert set(Gene.objects.lookup("Shared1")) == {one, two}


@pytest.mark.django_db
def test_current_symbol_wins_over_another_genes_alias():
    irf7 = make_gene("IRF7")
    other = make_gene("OTHER")
    other.add_name("IRF7", GeneName.Kind.PREVIOUS)
    assert list(Gene.objects.lookup("IRF7")) == [irf7]


@pytest.mark.django_db
def test_add_name_is_idempotent_and_ignores_the_symbol_itself():
    gene = make_gene("IFNA7")
    gene.add_name("IFN-ALPHAJ", GeneName.Kind.ALIAS)
    gene.add_name("ifn-alphaj", GeneName.Kind.ALIAS)
    assert gene.add_name("IFNA7", GeneName.Kind.ALIAS) is None
    assert gene.aliases == ["IFN-ALPHAJ"]
