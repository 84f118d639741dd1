"""The API answers only what /api/openapi.json declares, with the declared body."""

import itertools
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from openapi_schema_validator import OAS31Validator, validate
from schemathesis import GenerationMode

from almsweb.wsgi import application
from races.api import api

from .constants import MID_OHIO, SEASON_YEAR

pytestmark = pytest.mark.django_db

BASE_DIR = Path(django_settings.BASE_DIR)
HUGE = "9" * 30
# Values a client may put in each parameter: valid, unknown, malformed, absurd.
PATH_VALUES = {
    "year": [str(SEASON_YEAR), "1950", "0", "-1", "abc", HUGE],
    "slug": [
        MID_OHIO["slug"],
        "marco-werner",
        "dyson-racing",
        "nobody",
        "a b",
        "a%00b",
    ],
}
QUERY_VALUES = {
    "page": ["1", "2", "0", "-1", "99", HUGE, "abc", ""],
    "page_size": ["1", "100", "1000", "0", "abc"],
    "season": [str(SEASON_YEAR), "1950", "abc", HUGE],
}
PRECONDITIONS = [
    {"if-match": '"another-version"'},
    {"if-unmodified-since": "Thu, 01 Jan 1970 00:00:00 GMT"},
]


def openapi_document(client) -> dict:
    return client.get("/api/openapi.json").json()


def operations(document: dict):
    for template, methods in document["paths"].items():
        for method, operation in methods.items():
            yield template, method, operation


def urls_of(template: str, operation: dict) -> list[str]:
    """The template filled with every combination of PATH_VALUES, one query each."""
    names = [p["name"] for p in operation["parameters"] if p["in"] == "path"]
    paths = [
        template.format(**dict(zip(names, values, strict=True)))
        for values in itertools.product(*(PATH_VALUES[name] for name in names))
    ]
    queries = [""] + [
        f"?{p['name']}={value}"
        for p in operation["parameters"]
        if p["in"] == "query"
        for value in QUERY_VALUES[p["name"]]
    ]
    return [path + query for path in paths for query in queries]


def assert_declared(document: dict, operation: dict, response, url: str) -> None:
    """The response's status, media type and body are what the operation declares."""
    status = str(response.status_code)
    declared = operation["responses"].get(status)
    assert declared, f"{url} answered an undeclared {status}: {response.content[:200]}"
    content = declared.get("content")
    if content is None:
        assert response.content == b"", f"{url}: {status} declares no body"
        return
    media_type = response["Content-Type"].split(";")[0]
    assert media_type in content, f"{url}: {status} as undeclared {media_type}"
    if media_type == "application/json":
        schema = {**content[media_type]["schema"], "components": document["components"]}
        validate(response.json(), schema, cls=OAS31Validator)


def test_every_answer_of_every_operation_is_declared(client):
    document = openapi_document(client)
    for template, method, operation in operations(document):
        for url in urls_of(template, operation):
            response = client.generic(method.upper(), url)
            assert_declared(document, operation, response, url)
            unknown_host = client.get(url, headers={"host": "evil.example"})
            assert_declared(document, operation, unknown_host, url)
            if response.status_code != 200:
                continue
            again = client.get(url, headers={"if-none-match": response["ETag"]})
            assert_declared(document, operation, again, url)
            for headers in PRECONDITIONS:
                refused = client.get(url, headers=headers)
                assert_declared(document, operation, refused, url)


def test_every_operation_declares_the_answers_given_before_it_runs(client):
    document = openapi_document(client)
    for template, _, operation in operations(document):
        declared = set(operation["responses"])
        assert {"304", "400", "412", "414", "431"} <= declared, template
        if operation["parameters"]:
            assert "422" in declared, template


def test_page_beyond_the_last_is_404_with_a_message(client):
    response = client.get("/api/teams", {"page": 99})
    assert response.status_code == 404
    assert "pages run from 1 to 1" in response.json()["detail"]


def test_huge_page_number_is_404_not_a_server_error(client):
    response = client.get("/api/drivers", {"page": HUGE})
    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("page", ["0", "-1"])
def test_page_below_one_is_404(client, page):
    assert client.get("/api/drivers", {"page": page}).status_code == 404


def test_last_page_is_found(client):
    response = client.get("/api/drivers", {"page": 2})
    assert response.status_code == 200
    assert response.json()["items"]


def test_page_of_an_empty_list_is_found(client, empty_database):
    response = client.get("/api/teams")
    assert response.status_code == 200
    assert response.json() == {"items": [], "count": 0}


def test_page_that_is_not_a_number_is_422_naming_the_parameter(client):
    response = client.get("/api/drivers", {"page": "abc"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "page"]


def test_unknown_url_under_api_is_a_json_404(client):
    response = client.get(f"/api/races/{SEASON_YEAR}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_too_many_query_parameters_is_a_json_400(client):
    query = "&".join(f"x{i}=1" for i in range(2000))
    response = client.get(f"/api/races?{query}")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_slug_with_a_nul_byte_is_refused_before_the_database(client):
    # PostgreSQL refuses NUL in text: it must never reach a query.
    response = client.get("/api/drivers/a%00b")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path", "slug"]


def test_api_docs_page_lists_the_answers(client):
    html = client.get("/api/").content.decode()
    assert "414" in html
    assert "422" in html


DOCUMENT = api.get_openapi_schema(path_prefix="/api")
# Valid requests to every operation; invalid ones to those that take parameters.
SCHEMATHESIS_RUNS = [
    (path, mode)
    for path, methods in DOCUMENT["paths"].items()
    for mode in GenerationMode
    if mode == GenerationMode.POSITIVE or methods["get"]["parameters"]
]


@pytest.fixture
def wsgi_app_in_this_transaction(settings):
    """The WSGI app, called in this process inside the test's transaction.

    As Django's test client does, keep the end of each request from closing
    the database connection, which would end the transaction (PostgreSQL).
    """
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "mode"), SCHEMATHESIS_RUNS)
def test_schemathesis_finds_no_undeclared_answer(
    wsgi_app_in_this_transaction, path, mode
):
    schema = schemathesis.openapi.from_wsgi(
        "/api/openapi.json", wsgi_app_in_this_transaction
    )
    operation = schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def call_and_validate(case):
        # The WSGI transport hands over the body as sent; schemathesis would
        # ask for gzip like a browser and then fail to read it.
        case.call_and_validate(headers={"Accept-Encoding": "identity"})

    call_and_validate()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.fixture
def gunicorn_port(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "DJANGO_SECRET_KEY": "test-only",
        "DJANGO_VAR_DIR": str(tmp_path),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # The master imports the site and compiles its templates before it
        # listens: seconds on a busy machine.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_gunicorn_refuses_a_long_uri_with_the_documented_414(client, gunicorn_port):
    document = openapi_document(client)
    declared = document["paths"]["/api/drivers"]["get"]["responses"]["414"]
    path = "/api/drivers?page=" + "1" * 5000
    answer = raw_request(
        gunicorn_port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()
    )
    assert answer.startswith(b"HTTP/1.1 414 ")
    assert b"Content-Type: text/html" in answer
    assert "text/html" in declared["content"]


def test_document_is_worked_out_once_and_each_caller_gets_its_own_copy(monkeypatch):
    calls = []
    work_out = api.document_declaring_every_answer
    monkeypatch.setattr(api, "openapi_documents", {})
    monkeypatch.setattr(
        api,
        "document_declaring_every_answer",
        lambda **kwargs: calls.append(kwargs) or work_out(**kwargs),
    )
    first = api.get_openapi_schema(path_prefix="/api")
    first["paths"].clear()
    assert api.get_openapi_schema(path_prefix="/api") == DOCUMENT
    assert calls == [{"path_prefix": "/api"}]
