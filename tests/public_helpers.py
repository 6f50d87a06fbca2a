"""Helpers for the public page tests: a clean cache, the demo data, the page as text."""

import io
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.core.management import call_command

from curation import cache as page_cache
from tests.factories import make_gene_with_claims  # noqa: F401  (the tests import it from here)


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with no cached page or stamp, so query counts do not depend on order."""
    cache.clear()
    page_cache.clear_local()
    yield
    cache.clear()
    page_cache.clear_local()


def load_demo():
    call_command("load_demo", stdout=io.StringIO())


def text_of(html):
    """The text of an HTML fragment as a reader sees it, white space collapsed."""
    if isinstance(html, bytes):
        html = html.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def between(html, start, end):
    """The part of `html` from the first `start` to the next `end`."""
    html = html.decode() if isinstance(html, bytes) else html
    begin = html.index(start)
    return html[begin : html.index(end, begin)]
