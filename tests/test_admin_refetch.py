"""The reference admin's "re-fetch" action and its fetch-state columns."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages

from tests.factories import make_reference

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/references/reference/"


def test_refetch_queues_the_selected_references_with_identifiers(client, admin, sent):
    by_pmid = make_reference(pmid=9822609)
    by_doi = make_reference(doi="10.1000/abc")
    web_page = make_reference(url="https://example.org/irf7", title="A web page")
    make_reference(pmid=1)  # not selected
    client.force_login(admin)

    response = client.post(
        CHANGELIST,
        {
            "action": "refetch",
            "index": 0,
            ACTION_CHECKBOX_NAME: [by_pmid.pk, by_doi.pk, web_page.pk],
        },
    )

    assert response.status_code == 302
    assert sent == [[by_pmid.pk, by_doi.pk]]
    assert [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)] == [
        ("success", "2 references queued for fetching."),
        ("warning", "1 selected reference has no PMID, DOI or PMCID to fetch by."),
    ]


def test_reference_list_shows_fetch_state(client, admin):
    make_reference(pmid=222, fetch_status="failed", fetch_error="HTTP 503")
    client.force_login(admin)

    response = client.get(CHANGELIST, {"fetch_status__exact": "failed"})

    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 1
    assert "failed" in response.text
    assert 'value="refetch"' in response.text


def test_curators_may_refetch_too(admin_log_in, curator, sent):
    reference = make_reference(pmid=9822609)
    client = admin_log_in(curator)

    client.post(CHANGELIST, {"action": "refetch", "index": 0, ACTION_CHECKBOX_NAME: [reference.pk]})

    assert sent == [[reference.pk]]
