"""bench/api.py at a tiny scale: the claims list, cached and not, next to minimal views."""

from bench.api import api_list_throughput


def test_the_api_bench_compares_the_claims_list_with_minimal_views():
    title, rows = api_list_throughput(0.002)

    assert title.startswith("API claims list on ")
    assert "200 approved claims, 100 per page, 4 queries a page" in title
    cached, pages, claims, floor = rows
    assert (cached.unit, cached.baseline_name, cached.target) == (
        "pages/s",
        "Django view returning 2 bytes",
        0.25,
    )
    assert cached.baseline == floor.value
    assert (pages.unit, pages.baseline_name) == ("pages/s", "minimal Django view of the same page")
    assert cached.value > pages.value > 0 and pages.baseline > 0
    assert claims.value == pages.value * 100
    assert floor.unit == "requests/s" and floor.baseline is None
