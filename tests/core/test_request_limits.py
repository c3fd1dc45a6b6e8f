"""A body over the limit is a 413 saying so — never a 500 — and an upload over the largest
allowed file is refused from its Content-Length, before a byte of it is read or written."""

import json

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from ascn.core.middleware import upload_max_bytes

MB = 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def big_json(size: int) -> str:
    return json.dumps({"email": "someone@example.org", "password": "x" * size})


def test_an_api_body_over_the_limit_is_a_413_with_detail(client, db):
    # given a JSON body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB), from nobody signed in
    body = big_json(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    # when it is posted to the API
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    # then it is refused as too large, in the API's shape, naming the body's limit (not a
    # file's: it sends none)
    assert response.status_code == 413
    assert response.json()["detail"] == "The request is too large: its body is at most 2.5\xa0MB."


@override_settings(
    MIDDLEWARE=[m for m in settings.MIDDLEWARE if not m.endswith("RequestSizeLimitMiddleware")]
)
def test_a_body_django_finds_too_big_while_parsing_is_a_413_on_the_api(client, db):
    # given no check of the Content-Length in front (a body measured only as it is read)
    body = big_json(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    # when the API parses it
    response = client.post("/api/v1/auth/token", body, content_type="application/json")
    # then Django's RequestDataTooBig is a 413 too, not the 500 of an unhandled error
    assert response.status_code == 413
    assert "detail" in response.json()


def test_an_upload_over_the_largest_file_is_refused_before_it_is_read(client, db):
    # given a 300 MB multipart upload announced by its Content-Length, whose body must not be read
    # when it is posted to a form
    response = client.generic(
        "POST",
        reverse("login"),
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(300 * MB),
        **{"wsgi.input": UnreadableBody()},
    )
    # then a page says the request is too large (the stream was never touched)
    assert response.status_code == 413
    assert b"too large" in response.content
    assert response["Content-Type"].startswith("text/html")


def test_an_api_body_over_the_limit_is_refused_before_it_is_read(client, db):
    response = client.generic(
        "POST",
        "/api/v1/auth/token",
        b"",
        content_type="application/json",
        CONTENT_LENGTH=str(300 * MB),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert response.json()["detail"]


@pytest.mark.parametrize("size", [3 * MB, 9 * MB])
def test_an_upload_within_the_largest_file_reaches_the_form(client, db, size):
    # given a file over the in-memory limit (2.5 MB) but within the largest upload (10 MB PDFs)
    assert size < upload_max_bytes()
    pdf = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * size, "application/pdf")
    upload = {"username": "someone@example.org", "password": "x", "file": pdf}
    # when it is posted
    response = client.post(reverse("login"), upload)
    # then the form answers it (here: wrong credentials), nothing refuses it for its size
    assert response.status_code == 200


def test_a_host_not_allowed_gets_the_apis_json_400_on_the_api_and_a_page_elsewhere(client, db):
    api = client.get("/api/v1/health", HTTP_HOST="else.example")
    assert api.status_code == 400
    assert api["Content-Type"] == "application/json"
    assert api.json() == {"detail": "Bad request."}
    page = client.get("/cities/", HTTP_HOST="else.example")
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
