"""Under the Content-Security-Policy the pages still work, and Chromium reports no violation.

Every page is loaded with a listener for `securitypolicyviolation` events (added by
Playwright, which the policy does not govern) and with the console recorded.
"""

import pytest

from tests.factories import make_approved_claim, make_gene, make_user
from tests.fault_helpers import create_groups
from tests.test_browser_curation import log_in

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def watched(page):
    """The page, with its console messages collected in page.messages."""
    page.messages = []
    page.on("console", lambda message: page.messages.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    return page


def assert_no_violation(page):
    violations = page.evaluate("window.cspViolations")
    refused = [m for m in page.messages if "Content Security Policy" in m or "Refused to" in m]
    assert violations == [] and refused == [], (violations, refused)


@pytest.fixture
def people():
    create_groups()  # a transactional test starts from a flushed database
    return make_user("carla", "curators"), make_user("rita", "reviewers")


def test_the_gene_page_shows_its_claims_without_a_violation(live_server, watched, people):
    curator, reviewer = people
    gene = make_gene("IRF7", ncbi_gene_id=3665, name="interferon regulatory factor 7")
    make_approved_claim(curator, reviewer, gene=gene, text="IRF7 is a master regulator.")

    response = watched.goto(live_server.url + "/genes/IRF7/")

    assert "script-src 'self';" in response.headers["content-security-policy"] + ";"
    assert "IRF7 is a master regulator." in watched.inner_text("main")
    # The stylesheet applied: the page is not unstyled.
    assert watched.evaluate("document.styleSheets.length") >= 1
    assert_no_violation(watched)


def test_the_claim_form_script_runs_without_a_violation(live_server, watched, people):
    make_gene("IRF7", ncbi_gene_id=3665, name="interferon regulatory factor 7")
    log_in(watched, live_server, "carla")

    watched.goto(live_server.url + "/curate/claims/new/")
    watched.fill("#id_gene", "irf")

    # static/curation/claim_form.js searched as the curator typed, and filled the choices.
    watched.locator("#gene-options option[value=IRF7]").wait_for(state="attached")
    assert_no_violation(watched)


def test_the_api_docs_render_without_a_violation(live_server, watched, db):
    watched.goto(live_server.url + "/api/docs/")

    watched.locator(".swagger-ui .info .title").wait_for()
    assert "Gene knowledge curation API" in watched.inner_text(".swagger-ui .info .title")
    watched.locator(".opblock").first.wait_for()
    assert watched.locator(".opblock").count() >= 10
    assert_no_violation(watched)
