"""What a curator types as a citation becomes the right identifier, or a clear error."""

import pytest

from references.identifiers import parse_identifier, split_identifiers
from references.models import Reference
from tests.factories import make_reference


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("9822609", ("pmid", 9822609)),
        ("PMID: 9822609", ("pmid", 9822609)),
        ("https://pubmed.ncbi.nlm.nih.gov/9822609/", ("pmid", 9822609)),
        ("pmc1171011", ("pmcid", "PMC1171011")),
        ("PMCID: PMC1171011", ("pmcid", "PMC1171011")),
        ("https://pmc.ncbi.nlm.nih.gov/articles/PMC1171011/", ("pmcid", "PMC1171011")),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1171011", ("pmcid", "PMC1171011")),
        ("10.1038/NM.2830", ("doi", "10.1038/nm.2830")),
        ("https://doi.org/10.1038/nm.2830", ("doi", "10.1038/nm.2830")),
        ("doi:10.1002/(SICI)1521-4141;2-#", ("doi", "10.1002/(sici)1521-4141;2-#")),
    ],
)
def test_typed_identifiers_are_recognised_and_normalised(typed, expected):
    assert parse_identifier(typed) == expected


@pytest.mark.parametrize("typed", ["", "abc", "PMID: 0", "10.12/x", "PMCabc"])
def test_text_that_is_no_identifier_is_refused_with_what_one_looks_like(typed):
    with pytest.raises(ValueError) as error:
        parse_identifier(typed)
    assert "PMID" in str(error.value) or "DOI" in str(error.value) or "PMCID" in str(error.value)


def test_several_identifiers_split_on_spaces_lines_commas_and_semicolons_but_not_inside_dois():
    typed = "9822609, 10.1002/(SICI)1521-4141;2-#\nPMC1171011; 11111 "

    assert split_identifiers(typed) == [
        "9822609",
        "10.1002/(SICI)1521-4141;2-#",
        "PMC1171011",
        "11111",
    ]


def test_a_prefix_and_its_identifier_stay_one_however_the_colon_is_spaced():
    typed = "PMID: 11111 doi : 10.1/x pmcid :PMC5 PMID:22222"

    assert split_identifiers(typed) == ["PMID:11111", "doi:10.1/x", "pmcid:PMC5", "PMID:22222"]


def test_cited_reuses_the_reference_that_holds_the_identifier(db):
    existing = make_reference(pmid=9822609)

    reference, created = Reference.objects.cited("PMID 9822609")

    assert (reference, created) == (existing, False)


def test_cited_makes_a_pending_reference_for_a_new_doi_and_queues_its_fetch(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        reference, created = Reference.objects.cited("https://doi.org/10.1038/NM.2830")

    assert created
    assert reference.doi == "10.1038/nm.2830"
    assert reference.fetch_status == Reference.FetchStatus.PENDING
    assert callbacks, "a new reference is queued for fetching on commit"
