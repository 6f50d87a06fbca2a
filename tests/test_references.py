import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from references.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from references.models import Reference
from tests.factories import make_reference


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("10.1038/NM.2830", "10.1038/nm.2830"),
        ("doi:10.1038/nm.2830", "10.1038/nm.2830"),
        ("https://doi.org/10.1021/bi026496+", "10.1021/bi026496+"),
        ("http://dx.doi.org/10.1128/MCB.20.17.6342-6353.2000", "10.1128/mcb.20.17.6342-6353.2000"),
        (" 10.1126/science.aaa1578. ", "10.1126/science.aaa1578"),
    ],
)
def test_doi_is_normalised(raw, expected):
    assert normalize_doi(raw) == expected


@pytest.mark.parametrize("raw", ["", "nm.2830", "11.1038/x", "10.1038/"])
def test_bad_doi_says_what_a_doi_looks_like(raw):
    with pytest.raises(ValueError, match="a DOI looks like 10.1038/nm.2830"):
        normalize_doi(raw)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("PMID: 9822609", 9822609),
        ("9822609", 9822609),
        (9822609, 9822609),
        ("34017925.2", 34017925),
    ],
)
def test_pmid_is_normalised(raw, expected):
    assert normalize_pmid(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-5", "abc", "", None, True])
def test_bad_pmid_is_refused(raw):
    with pytest.raises(ValueError, match="not a PMID"):
        normalize_pmid(raw)


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("pmc1171011", "PMC1171011"),
        ("1171011", "PMC1171011"),
        ("PMC1171011", "PMC1171011"),
    ],
)
def test_pmcid_is_normalised(raw, expected):
    assert normalize_pmcid(raw) == expected


@pytest.mark.django_db
def test_identifiers_are_unique_where_present():
    make_reference(pmid=9822609, doi="10.1093/emboj/17.22.6660", pmcid="PMC1171011")
    make_reference(url="https://example.org/a", title="No ids 1")
    make_reference(url="https://example.org/b", title="No ids 2")
    for dup in ({"pmid": 9822609}, {"doi": "10.1093/EMBOJ/17.22.6660"}, {"pmcid": "pmc1171011"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_reference(**dup)


@pytest.mark.django_db
def test_database_refuses_a_doi_in_mixed_case():
    ref = make_reference(doi="10.1038/nm.2830")
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.filter(pk=ref.pk).update(doi="10.1038/NM.2830")


@pytest.mark.django_db
def test_blank_identifiers_are_stored_as_null():
    ref = Reference.objects.create(kind="database", title="Entrez Gene: IRF7", doi="", pmcid="")
    ref.refresh_from_db()
    assert (ref.pmid, ref.doi, ref.pmcid) == (None, None, None)


def test_clean_reports_each_bad_field():
    ref = Reference(pmid="abc", doi="nope", published="1998-13")
    with pytest.raises(ValidationError) as error:
        ref.clean()
    assert set(error.value.message_dict) == {"pmid", "doi", "published"}


def test_clean_needs_some_way_to_identify_the_work():
    with pytest.raises(ValidationError) as error:
        Reference().clean()
    assert "identifier" in error.value.message_dict["title"][0]


@pytest.mark.django_db
def test_matching_by_identifier_or_by_title_and_year():
    bidwell = make_reference(
        doi="10.1038/nm.2830",
        title="Silencing of Irf7 pathways in breast cancer cells promotes bone metastasis through immune escape",
        year=2012,
    )
    assert list(Reference.objects.matching(doi="https://doi.org/10.1038/NM.2830")) == [bidwell]
    assert list(
        Reference.objects.matching(
            title="Silencing of Irf7 Pathways in breast cancer cells promotes bone metastasis through immune escape.",
            year=2012,
        )
    ) == [bidwell]
    assert not Reference.objects.matching(title=bidwell.title, year=1999).exists()
    assert not Reference.objects.matching(title="").exists()


@pytest.mark.django_db
def test_unresolved_excludes_fetched_and_hand_entered():
    make_reference(fetch_status="fetched")
    make_reference(fetch_status="failed", manual_metadata=True)
    failed = make_reference(fetch_status="failed")
    pending = make_reference(fetch_status="pending")
    assert set(Reference.objects.unresolved()) == {failed, pending}
    assert failed.is_resolved is False


@pytest.mark.django_db
def test_year_is_derived_from_the_published_date():
    ref = make_reference(published="1998-11")
    assert ref.year == 1998
