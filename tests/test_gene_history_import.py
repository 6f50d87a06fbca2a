"""genes_import_gene_history: a discontinued Gene ID or symbol still leads to the current gene."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from curation.models import Action, ReviewEvent
from genes.importers.gene_history import import_gene_history
from genes.importers.gene_info import import_gene_info
from genes.models import Gene, GeneName
from tests.factories import make_approved_claim, make_claim, make_gene
from tests.gene_helpers import GENE_HISTORY, GENE_INFO, outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    import_gene_info(GENE_INFO)


def test_discontinued_ids_and_symbols_become_names_of_their_replacement(catalogue):
    summary = import_gene_history(GENE_HISTORY)

    # 19 replaced IDs point at genes of the catalogue; 2 were withdrawn with no successor.
    assert outcome(summary) == {"created": 19, "updated": 0, "unchanged": 2, "skipped": 0}
    myh7 = Gene.objects.get(symbol="MYH7")
    assert sorted(myh7.other_names(GeneName.Kind.DISCONTINUED_ID)) == [
        "1226",
        "4347",
        "619511",
        "8090",
    ]
    pointer = myh7.names.get(kind=GeneName.Kind.DISCONTINUED_ID, name="1226")
    assert pointer.discontinued_on == date(2005, 5, 8)
    assert list(Gene.objects.lookup("1226")) == [myh7]
    assert list(Gene.objects.lookup("sppm")) == [myh7]  # a discontinued symbol, any case
    assert list(Gene.objects.lookup("LOC112779")) == [Gene.objects.get(symbol="ABL1")]


def test_importing_the_history_twice_changes_nothing(catalogue):
    import_gene_history(GENE_HISTORY)
    names = GeneName.objects.count()
    assert outcome(import_gene_history(GENE_HISTORY)) == {
        "created": 0,
        "updated": 0,
        "unchanged": 21,
        "skipped": 0,
    }
    assert GeneName.objects.count() == names


def test_a_merged_gene_is_kept_and_its_claims_are_flagged_for_a_curator(
    catalogue, curator, reviewer
):
    cmh1 = make_gene("CMH1", ncbi_gene_id=1226)
    approved = make_approved_claim(curator, reviewer, gene=cmh1)
    draft = make_claim(curator, gene=cmh1)

    summary = import_gene_history(GENE_HISTORY)

    assert summary.updated == 1
    cmh1.refresh_from_db()
    myh7 = Gene.objects.get(symbol="MYH7")
    assert (cmh1.replaced_by, cmh1.discontinued_on) == (myh7, date(2005, 5, 8))
    assert cmh1.claims.count() == 2  # nothing deleted or moved
    for claim in (approved, draft):
        claim.refresh_from_db()
        assert claim.flags == ["gene_merged"]
        event = ReviewEvent.objects.filter(claim=claim, action=Action.FLAG).get()
        assert "merged Gene ID 1226 (CMH1) into Gene ID 4625 (MYH7)" in event.comment
    # Old links and searches land on the current gene, not the merged one.
    assert list(Gene.objects.lookup("CMH1")) == [myh7]
    assert list(Gene.objects.lookup("1226")) == [myh7]

    import_gene_history(GENE_HISTORY)
    assert ReviewEvent.objects.filter(action=Action.FLAG).count() == 2  # flagged once


def test_a_withdrawn_gene_keeps_its_page_and_its_claims_are_flagged(catalogue, curator, reviewer):
    hots = make_gene("HOTS", ncbi_gene_id=103344718)
    claim = make_approved_claim(curator, reviewer, gene=hots)

    import_gene_history(GENE_HISTORY)

    hots.refresh_from_db()
    assert hots.discontinued_on == date(2020, 6, 20) and hots.replaced_by is None
    claim.refresh_from_db()
    assert claim.flags == ["gene_discontinued"]
    assert list(Gene.objects.lookup("HOTS")) == [hots]


def test_a_replacement_outside_the_catalogue_is_skipped_and_reported(tmp_path):
    make_gene("ACHE", ncbi_gene_id=43)
    path = tmp_path / "gene_history"
    path.write_text(
        "#tax_id\tGeneID\tDiscontinued_GeneID\tDiscontinued_Symbol\tDiscontinue_Date\n"
        "9606\t4625\t1226\tCMH1\t20050508\n"
        "9606\t43\t100187742\tACEE\t20110915\n"
        "9606\tx43\t100187742\tACEE\t20110915\n"
        "9606\t43\t100187742\tACEE\t2011-09-15\n"
        "10090\t21803\t12345\tTgfb\t20050510\n"
    )
    out, err = io.StringIO(), io.StringIO()

    call_command("genes_import_gene_history", str(path), stdout=out, stderr=err)

    assert "created 1, updated 0, unchanged 0, skipped 3" in out.getvalue()
    assert "skipped line 2: replacement Gene ID not in the catalogue (4625)" in err.getvalue()
    assert "skipped line 4: GeneID is not a number" in err.getvalue()
    assert "skipped line 5: Discontinue_Date is not YYYYMMDD" in err.getvalue()
    assert list(Gene.objects.lookup("100187742")) == [Gene.objects.get(symbol="ACHE")]


def test_a_pointer_follows_a_replacement_that_was_merged_later(catalogue, tmp_path):
    myh7 = Gene.objects.get(symbol="MYH7")
    make_gene("OLDMYH", ncbi_gene_id=888001).discontinue(on=date(2001, 1, 1), replaced_by=myh7)
    history = tmp_path / "gene_history"
    header = GENE_HISTORY.read_text().splitlines()[0]
    history.write_text(f"{header}\n9606\t888001\t777001\tOLDERMYH\t19990101\n")

    import_gene_history(history)

    assert list(Gene.objects.lookup("777001")) == [myh7]
    assert list(Gene.objects.lookup("OLDMYH")) == [myh7]
    assert list(Gene.objects.lookup("888001")) == [myh7]


def test_a_chunk_is_stored_in_the_same_few_queries_however_many_replacements_were_merged(
    catalogue, tmp_path, django_assert_num_queries
):
    myh7 = Gene.objects.get(symbol="MYH7")
    header = GENE_HISTORY.read_text().splitlines()[0]
    rows = []
    for n in range(1, 11):
        merged = make_gene(f"OLDMYH{n}", ncbi_gene_id=888000 + n)
        merged.discontinue(on=date(2001, 1, 1), replaced_by=myh7)
        rows.append(f"9606\t{888000 + n}\t{777000 + n}\tOLDER{n}\t19990101")
    history = tmp_path / "gene_history"
    history.write_text("\n".join([header, *rows]) + "\n")

    # savepoint, genes, their replacements, pointers, new pointers, release
    with django_assert_num_queries(6):
        summary = import_gene_history(history)

    assert summary.created == 10
    assert list(Gene.objects.lookup("777010")) == [myh7]


def test_a_discontinued_symbol_too_long_for_a_name_is_left_out_and_its_id_kept(catalogue, tmp_path):
    header = GENE_HISTORY.read_text().splitlines()[0]
    history = tmp_path / "gene_history"
    history.write_text(f"{header}\n9606\t4625\t777001\t{'X' * 65}\t19990101\n")

    assert import_gene_history(history).created == 1

    myh7 = Gene.objects.get(symbol="MYH7")
    assert myh7.other_names(GeneName.Kind.DISCONTINUED_ID) == ["777001"]
    assert myh7.other_names(GeneName.Kind.DISCONTINUED) == []
