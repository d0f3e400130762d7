"""Schemathesis against /schema/openapi.json: no request to /api/v1 gives a 500, every response matches the schema.

Schemathesis sends its requests synchronously, which cannot reach the app from inside the test's event loop (and
the per-test transaction lives in that loop's context). So its cases are generated first, deterministically, by a
plain Hypothesis run that only collects them; each is then sent through the async `client` fixture (same task, so
the rolled-back transaction holds) and its response validated by schemathesis.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from amap.accounts.services import create_api_token

EXAMPLES_PER_OPERATION = 25
# Checks on the response alone: others (ignored_auth, unsupported_method, ...) resend requests synchronously.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def api_operations() -> list[str]:
    """Every API operation as "METHOD /path", known at collection time without starting the app."""
    from amap.app import create_app

    paths = create_app().openapi_schema.to_schema()["paths"]
    return sorted(f"{method.upper()} {path}" for path, item in paths.items() if path.startswith("/api/")
                  for method in item if method in {"get", "post", "put", "patch", "delete"})


def generated_cases(operation: schemathesis.APIOperation, mode: GenerationMode, count: int) -> list[schemathesis.Case]:
    """`count` cases at most for one operation, the same ones on every run (no I/O happens while generating)."""
    cases: list[schemathesis.Case] = []

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def collect(case: schemathesis.Case) -> None:
        cases.append(case)

    collect()
    return cases


@pytest.fixture
async def api_schema(client) -> schemathesis.BaseSchema:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


@pytest.mark.parametrize(("who", "mode"), [("alice", GenerationMode.POSITIVE), ("dan", GenerationMode.POSITIVE),
                                           ("alice", GenerationMode.NEGATIVE)], ids=["member", "farmer", "invalid"])
@pytest.mark.parametrize("operation", api_operations())
async def test_the_api_never_fails_and_keeps_to_its_schema(client, world, api_schema, operation, who, mode):
    """A member's and a farmer's token with valid inputs, then a member's with inputs the schema forbids."""
    method, path = operation.split(" ", 1)
    endpoint = api_schema[path][method]
    headers = {"authorization": f"Bearer {await create_api_token(world.users[who], 'fuzz')}"}
    for case in generated_cases(endpoint, mode, EXAMPLES_PER_OPERATION):
        kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
        if isinstance(kwargs.get("data"), str | bytes):  # a raw body: httpx calls it content
            kwargs["content"] = kwargs.pop("data")
        response = await client.request(**{k: v for k, v in kwargs.items() if k in {
            "method", "url", "headers", "params", "json", "content", "data", "files"}})
        case.validate_response(response, checks=CHECKS, headers=kwargs.get("headers"))
