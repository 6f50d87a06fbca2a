"""/releases/: the public list of dated releases and downloads of the files they list."""

import hashlib

import pytest
from django.urls import reverse

from curation import releases
from tests.export_helpers import make_dataset


@pytest.fixture
def published(settings, tmp_path, curator, reviewer, gene):
    settings.RELEASES_DIR = tmp_path / "releases"
    make_dataset(curator, reviewer, gene)
    releases.write_release(settings.RELEASES_DIR / "2025-01-30", date="2025-01-30")
    releases.write_release(settings.RELEASES_DIR / "2025-01-31", date="2025-01-31")
    (tmp_path / "secret.txt").write_text("not for the public")
    (settings.RELEASES_DIR / "2025-01-31" / "stray.txt").write_text("not listed")
    return settings.RELEASES_DIR


def test_the_list_shows_each_release_newest_first_with_its_counts_and_checksums(
    client, published, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(reverse("release-list"))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("2025-01-31") < html.index("2025-01-30")
    manifest = releases.read_manifest(published / "2025-01-31")
    assert "3 claims, 3 references" in html
    assert f"GeneRIFs, {manifest['counts']['genes']} genes" in html
    for entry in manifest["files"]:
        assert entry["sha256"] in html
        assert reverse("release-file", args=["2025-01-31", entry["name"]]) in html
    assert reverse("release-file", args=["2025-01-31", "manifest.json"]) in html
    assert not response.cookies


def test_an_empty_releases_folder_says_so(client, settings, tmp_path):
    settings.RELEASES_DIR = tmp_path / "none-yet"

    response = client.get(reverse("release-list"))

    assert response.status_code == 200
    assert "No release has been published yet." in response.content.decode()


def test_a_listed_file_downloads_with_the_checksum_of_the_manifest(client, published):
    manifest = releases.read_manifest(published / "2025-01-31")
    entry = manifest["files"][0]

    response = client.get(reverse("release-file", args=["2025-01-31", entry["name"]]))

    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert hashlib.sha256(content).hexdigest() == entry["sha256"]
    assert response["Content-Type"] == entry["content_type"]
    assert "2025-01-31-claims.ndjson" in response["Content-Disposition"]
    assert not response.cookies


def test_the_manifest_itself_downloads(client, published):
    response = client.get(reverse("release-file", args=["2025-01-31", "manifest.json"]))

    assert response.status_code == 200
    assert b'"schema_version"' in b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "path",
    [
        "/releases/2025-01-31/stray.txt",
        "/releases/2025-01-31/..%2F..%2Fsecret.txt",
        "/releases/..%2Fsecret.txt/claims.ndjson",
        "/releases/2025-01-31/%2E%2E",
        "/releases/2025-02-01/claims.ndjson",
        "/releases/2025-01-31/.hidden",
        "/releases/latest/claims.ndjson",
        "/releases/../secret.txt",
    ],
)
def test_nothing_outside_a_manifest_is_served(client, published, path):
    response = client.get(path)

    assert response.status_code == 404
    assert b"not for the public" not in response.content


def test_a_file_listed_but_gone_from_disk_is_404_not_500(client, published):
    (published / "2025-01-30" / "generifs.tsv").unlink()

    response = client.get(reverse("release-file", args=["2025-01-30", "generifs.tsv"]))

    assert response.status_code == 404
