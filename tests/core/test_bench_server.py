"""`make bench`'s real-server phase measures the server `make serve` runs, with wrk, and
compares it with a bare Django view that only the benchmark serves."""

import re
import shutil
from pathlib import Path

import pytest
from django.urls import Resolver404, resolve

from bench import server

ROOT = Path(__file__).resolve().parents[2]


def makefile_serve_command(port: int) -> list[str]:
    """`make serve`'s command line, read from the Makefile with its variables' defaults."""
    text = (ROOT / "Makefile").read_text()
    variables = dict(re.findall(r"^(\w+) \?= (\S+)$", text, re.M))
    granian = re.search(r"^GRANIAN := (.+)$", text, re.M).group(1)
    serve = re.search(
        r"^serve:[^\n]*\n\t\$\(WEB_ENV\) \$\(RUN\) \$\(GRANIAN\) (.+)$", text, re.M
    ).group(1)
    line = f"{granian} {serve}".replace("$(PORT)", str(port))
    for name, value in variables.items():
        line = line.replace(f"$({name})", value)
    return line.split()


def test_the_bench_serves_as_make_serve_does():
    assert ["granian", *server.command(8821)[3:]] == makefile_serve_command(8821)
    # in the same environment, as the production unit does
    text = (ROOT / "Makefile").read_text()
    web_env = re.search(r"^WEB_ENV := (.+)$", text, re.M).group(1)
    assert dict(pair.split("=", 1) for pair in web_env.split()) == server.WEB_ENV
    unit = (ROOT / "deploy" / "ascn-web.service").read_text()
    for name, value in server.WEB_ENV.items():
        assert f"Environment={name}={value}" in unit


def test_the_bare_view_is_the_benchs_own(db, client, settings):
    with pytest.raises(Resolver404):
        resolve("/bench/bare")  # not a URL of the site
    settings.ROOT_URLCONF = "bench.urls"
    response = client.get("/bench/bare")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert client.get("/api/v1/health").status_code == 200  # the site's URLs still there


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by `make bench`")
def test_wrk_reports_requests_and_percentiles(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])
    ok = server.wrk(port, "/api/v1/health", {}, 1)
    assert ok["requests"] > 0 and ok["errors"] == 0
    assert 0 < ok["median_ms"] <= ok["p95_ms"] <= ok["p99_ms"] <= ok["max_ms"]
    missing = server.wrk(port, "/no-such-page/", {}, 1)
    assert missing["errors"] == missing["requests"] > 0  # a non-2xx answer is an error
