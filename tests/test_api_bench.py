"""bench/api.py at a tiny scale: it measures the claims list next to the minimal view."""

from bench.api import api_list_throughput


def test_the_api_bench_compares_the_claims_list_with_a_minimal_view_of_the_same_page():
    title, rows = api_list_throughput(0.002)

    assert title.startswith("API claims list on ")
    assert "200 approved claims, 100 per page, 4 queries a page" in title
    pages, claims, floor = rows
    assert (pages.unit, pages.baseline_name) == ("pages/s", "minimal Django view of the same page")
    assert pages.value > 0 and pages.baseline > 0
    assert claims.value == pages.value * 100
    assert floor.unit == "requests/s" and floor.baseline is None
