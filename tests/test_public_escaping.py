"""Text from curators and from PubMed never becomes markup or script on public pages."""

import json
import re

import pytest

from genes.models import Gene
from references.models import Reference
from tests.factories import make_approved_claim, make_gene, make_reference
from tests.public_helpers import fresh_cache  # noqa: F401

pytestmark = pytest.mark.django_db

HOSTILE = (
    '<script>alert("x")</script> IRF7 <a href="javascript:alert(1)">click</a> '
    "<img src=x onerror=alert(2)> javascript:alert(3)"
)


def test_hostile_claim_text_is_shown_as_text(client, curator, reviewer):
    gene = make_gene("IRF7")
    make_approved_claim(curator, reviewer, gene=gene, text=HOSTILE)

    for path in ("/genes/IRF7/", "/", "/search/?q=click"):
        html = client.get(path).content.decode()
        assert "<script>alert" not in html, path
        assert 'href="javascript:' not in html, path
        assert "<img" not in html, path
        assert "&lt;script&gt;alert" in html, path


def test_hostile_text_next_to_a_mentioned_gene_stays_escaped(client, curator, reviewer):
    gene, partner = make_gene("HOST1"), make_gene("IRF7")
    make_approved_claim(curator, reviewer, gene=gene, text=HOSTILE, mentioned_genes=[partner])

    html = client.get("/genes/HOST1/").content.decode()

    assert '<a href="/genes/IRF7/" class="gene-link">IRF7</a>' in html
    assert "<script>alert" not in html
    assert 'href="javascript:' not in html


def test_hostile_reference_title_markup_and_address_are_neutralised(client, curator, reviewer):
    gene = make_gene("IRF7")
    hostile = make_reference(
        kind=Reference.Kind.WEB,
        pmid=None,
        url="javascript:alert(4)",
        title="Plain <b>title</b>",
        title_html='A <i>real</i> title<script>alert(5)</script><a href="javascript:x">x</a>'
        '<i onmouseover="alert(6)">hover</i>',
        authors=[{"collective": "<script>alert(7)</script>"}],
        journal="<b>J</b>",
    )
    make_approved_claim(curator, reviewer, gene=gene, references=[hostile])

    for path in ("/genes/IRF7/", f"/references/{hostile.pk}/"):
        html = client.get(path).content.decode()
        assert "<script>alert" not in html, path
        assert "javascript:" not in html, path
        assert "onmouseover" not in html, path
        assert "A <i>real</i> title" in html, path
        assert "&lt;script&gt;alert(7)" in html, path


def test_structured_data_cannot_close_its_script_element(client):
    Gene.objects.create(
        symbol="LD1",
        ncbi_gene_id=7100,
        name="</script><script>alert(8)</script>",
        description="<!-- & </script>",
    )

    html = client.get("/genes/LD1/").content.decode()

    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert json.loads(data)["about"]["alternateName"][0] == "</script><script>alert(8)</script>"
    assert "<script>alert(8)" not in html


def test_unknown_name_in_the_address_is_escaped_on_the_404(client):
    response = client.get("/genes/%3Cscript%3Ealert(9)%3C%5Cscript%3E/")

    assert response.status_code == 404
    assert "<script>alert(9)" not in response.content.decode()
    assert "&lt;script&gt;alert(9)" in response.content.decode()
