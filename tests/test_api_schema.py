"""The OpenAPI 3 schema describes every endpoint and its errors; the docs page shows it."""

import pytest

from tests.api_helpers import unthrottled  # noqa: F401

pytestmark = pytest.mark.usefixtures("unthrottled")

PATHS = {
    "/api/v1/genes/": ["get"],
    "/api/v1/genes/{symbol}/": ["get"],
    "/api/v1/claims/": ["get", "post"],
    "/api/v1/claims/{id}/": ["get", "patch"],
    **{
        f"/api/v1/claims/{{id}}/{step}/": ["post"]
        for step in ("submit", "approve", "reject", "request-changes", "retire", "withdraw",
                     "revise")
    },
    "/api/v1/references/": ["get"],
    "/api/v1/references/{id}/": ["get"],
    "/api/v1/export/claims.ndjson": ["get"],
    "/api/v1/export/claims.tsv": ["get"],
    "/api/v1/export/generifs.tsv": ["get"],
    "/api/v1/export/references.ndjson": ["get"],
    "/api/v1/export/references/{id}.{fmt}": ["get"],
}  # fmt: skip


@pytest.fixture
def schema(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_the_schema_describes_every_endpoint_and_nothing_else(schema):
    assert schema["openapi"].startswith("3.")
    assert {path: sorted(ops) for path, ops in schema["paths"].items()} == {
        path: sorted(ops) for path, ops in PATHS.items()
    }


def test_the_schema_names_the_filters_and_pagination(schema):
    def parameters(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {"gene", "section", "status", "updated_since", "ordering", "page", "page_size"} <= (
        parameters("/api/v1/claims/")
    )
    assert {"pmid", "doi", "retracted"} <= parameters("/api/v1/references/")
    page = schema["components"]["schemas"]["PaginatedClaimList"]
    assert set(page["properties"]) == {"count", "next", "previous", "results"}


def test_the_schema_documents_errors_and_who_may_call(schema):
    approve = schema["paths"]["/api/v1/claims/{id}/approve/"]["post"]
    assert set(approve["responses"]) == {"200", "400", "401", "403", "404", "409", "415", "429"}
    assert approve["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ApproveInputRequest"
    )
    assert {} not in approve["security"]
    listing = schema["paths"]["/api/v1/claims/"]["get"]
    assert {"200", "400", "401", "404", "429"} == set(listing["responses"])
    assert {} in listing["security"]
    gene = schema["paths"]["/api/v1/genes/{symbol}/"]["get"]
    assert gene["responses"]["300"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Ambiguous"
    )
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    assert {"tokenAuth", "cookieAuth"} == set(schema["components"]["securitySchemes"])


def test_the_json_shapes_name_the_fields_of_design_md(schema):
    components = schema["components"]["schemas"]
    assert components["Claim"]["properties"]["citations"]["items"]["$ref"].endswith("/Citation")
    assert components["Reference"]["properties"]["pmid"]["type"] == "string"
    assert components["Reference"]["properties"]["pmid"]["nullable"] is True
    assert "claims" in components["GeneDetail"]["properties"]
    create = components["ClaimCreateInputRequest"]
    assert set(create["required"]) == {"gene", "text"}


def test_the_docs_page_loads_the_schema(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert "/api/schema/" in response.content.decode()


def test_the_docs_page_needs_no_cdn(client):
    page = client.get("/api/docs/").content.decode()

    assert "cdn.jsdelivr.net" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
