"""The browser test harness works: Chromium loads a page from Django's live server."""

import pytest

from tests.factories import make_gene


@pytest.mark.django_db(transaction=True)
def test_chromium_renders_the_home_page_from_the_live_server(live_server, page, screenshots):
    make_gene("IRF7", ncbi_gene_id=3665)

    page.goto(live_server.url + "/")

    assert "IRF7" in page.content()
    assert screenshots(page, "home").stat().st_size > 0
