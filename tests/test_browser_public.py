"""In Chromium: the IRF7 page, a footnote to its reference and back again."""

import pytest

from tests.public_helpers import fresh_cache, load_demo  # noqa: F401


@pytest.mark.django_db(transaction=True)
def test_reader_follows_a_footnote_to_its_reference_and_back(live_server, page, screenshots):
    load_demo()

    page.goto(live_server.url + "/genes/IRF7/")
    assert page.title() == "IRF7 – interferon regulatory factor 7 – Gene knowledge"
    assert page.locator("main h1").inner_text() == "IRF7"
    # The stylesheet loaded: the infobox floats beside the text on a wide screen.
    assert page.locator("aside.infobox").evaluate("e => getComputedStyle(e).float") == "right"
    screenshots(page, "irf7")

    page.locator("sup#cite_ref-4-0 a").click()
    page.wait_for_url("**/genes/IRF7/#cite_note-4")
    note = page.locator("li#cite_note-4")
    assert note.evaluate("e => e.matches(':target')")
    assert note.is_visible()
    assert "Life-threatening influenza" in note.inner_text()
    screenshots(page, "irf7-reference-4")

    note.get_by_role("link", name="Back to the citation").click()
    page.wait_for_url("**/genes/IRF7/#cite_ref-4-0")
    marker = page.locator("sup#cite_ref-4-0")
    assert marker.evaluate("e => e.matches(':target')")
    assert marker.is_visible()
    assert screenshots(page, "irf7-back").stat().st_size > 0


@pytest.mark.django_db(transaction=True)
def test_narrow_screen_puts_the_infobox_above_the_text(live_server, browser, screenshots):
    load_demo()
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        tab = context.new_page()
        tab.goto(live_server.url + "/genes/IFNA7/")
        assert tab.locator("aside.infobox").evaluate("e => getComputedStyle(e).float") == "none"
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        assert screenshots(tab, "ifna7-phone").stat().st_size > 0
    finally:
        context.close()
