"""Rate limits on the API (issue 15, item 3): per token, per signed-in user and per anonymous
address, counted in the shared counters (Redis, or an SQLite file on one machine); every answer carries the IETF RateLimit fields
(draft-ietf-httpapi-ratelimit-headers) and a request over the limit gets 429 with Retry-After."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import sqlite3
import threading
import time

import pytest
import redis
from django.test import Client

from ascn.accounts.services import token_create, user_create
from ascn.core import counters, ratelimit
from ascn.core.management.commands.export_openapi import openapi_json

pytestmark = pytest.mark.usefixtures("empty_cache")

LIST = "/api/v1/member-states"
FIELD = re.compile(r'^"(?P<policy>[a-z]+)";r=(?P<r>\d+);t=(?P<t>\d+)$')


@pytest.fixture
def low_limits(settings):
    settings.ASCN_API_RATE_ANONYMOUS = "3/60"
    settings.ASCN_API_RATE_TOKEN = "4/60"
    settings.ASCN_API_RATE_USER = "5/60"


def state(response) -> dict:
    """The RateLimit field of an answer: its policy, remaining ``r`` and reset ``t``."""
    found = FIELD.match(response["RateLimit"])
    assert found, response["RateLimit"]
    return {"policy": found["policy"], "r": int(found["r"]), "t": int(found["t"])}


@pytest.fixture
def officer(network, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return user_create(actor=None, email="anong@ministry.example", password="tamarind-kite-41")


def test_anonymous_answers_count_down_then_429_with_retry_after(network, low_limits):
    # given an anonymous client allowed 3 requests a minute
    client = Client(REMOTE_ADDR="203.0.113.7")
    # when it asks four times
    answers = [client.get(LIST) for _ in range(4)]
    # then the first three are served, each saying the policy and what is left
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    assert {a["RateLimit-Policy"] for a in answers} == {'"anonymous";q=3;w=60'}
    assert [state(a)["r"] for a in answers] == [2, 1, 0, 0]
    assert all(1 <= state(a)["t"] <= 60 for a in answers)
    # and the fourth is refused, in the API's error shape, with when to come back
    refused = answers[3]
    assert refused.status_code == 429
    assert "Too many requests" in refused.json()["detail"]
    assert int(refused["Retry-After"]) >= state(refused)["t"] >= 1


def test_another_address_has_its_own_count(network, low_limits):
    # given one address over its limit
    crowded = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        crowded.get(LIST)
    assert crowded.get(LIST).status_code == 429
    # when another address asks
    other = Client(REMOTE_ADDR="198.51.100.20").get(LIST)
    # then it is served with its full quota
    assert other.status_code == 200
    assert state(other)["r"] == 2


def test_each_token_has_its_own_count_apart_from_its_address(officer, low_limits):
    # given two tokens of one person, used from one address
    _, first = token_create(actor=officer, name="laptop")
    _, second = token_create(actor=officer, name="server")
    laptop = Client(REMOTE_ADDR="203.0.113.7", headers={"Authorization": f"Bearer {first}"})
    server = Client(REMOTE_ADDR="203.0.113.7", headers={"Authorization": f"Bearer {second}"})
    # when the first spends its 4 requests and asks again
    spent = [laptop.get("/api/v1/me") for _ in range(5)]
    # then it counted under the token policy and was refused at the fifth
    assert [a.status_code for a in spent] == [200, 200, 200, 200, 429]
    assert spent[0]["RateLimit-Policy"] == '"token";q=4;w=60'
    assert [state(a)["r"] for a in spent] == [3, 2, 1, 0, 0]
    # and neither the other token nor an anonymous client at that address is affected
    assert state(server.get("/api/v1/me")) | {"t": 0} == {"policy": "token", "r": 3, "t": 0}
    anonymous = Client(REMOTE_ADDR="203.0.113.7").get(LIST)
    assert anonymous.status_code == 200
    assert state(anonymous)["policy"] == "anonymous"
    assert state(anonymous)["r"] == 2


def test_a_bad_token_is_counted_too(network, low_limits):
    # given a client sending a token that does not exist
    client = Client(headers={"Authorization": "Bearer ascn_not-a-real-token"})
    # when it keeps trying
    answers = [client.get("/api/v1/me") for _ in range(5)]
    # then it is refused as unauthenticated, and then as over its limit
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]


def test_a_signed_in_session_is_counted_per_user(officer, low_limits):
    # given a person signed in on two browsers
    first, second = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="198.51.100.20")
    first.force_login(officer)
    second.force_login(officer)
    # when they spend their 5 requests between the two
    answers = [(first if i % 2 else second).get("/api/v1/me") for i in range(6)]
    # then both count against the one user
    assert answers[0]["RateLimit-Policy"] == '"user";q=5;w=60'
    assert [state(a)["r"] for a in answers] == [4, 3, 2, 1, 0, 0]
    assert answers[5].status_code == 429


def test_the_health_checks_are_never_limited(network, low_limits):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(4):
        client.get(LIST)
    assert client.get(LIST).status_code == 429
    # the same client's health checks are answered, without rate-limit fields
    for path in ("/api/v1/health", "/api/v1/health/ready"):
        response = client.get(path)
        assert response.status_code in {200, 503}
        assert "RateLimit" not in response


def test_pages_are_not_counted(network, low_limits):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert client.get("/cities/").status_code == 200
    assert state(client.get(LIST))["r"] == 2


def test_a_limit_can_be_turned_off(network, settings):
    settings.ASCN_API_RATE_ANONYMOUS = "off"
    client = Client()
    assert all(client.get(LIST).status_code == 200 for _ in range(5))
    assert "RateLimit" not in client.get(LIST)


def test_the_window_resets(network, settings):
    # given an anonymous client allowed 2 requests per 2 seconds, at the start of a window
    settings.ASCN_API_RATE_ANONYMOUS = "2/2"
    client = Client(REMOTE_ADDR="203.0.113.9")
    first = client.get(LIST)
    if state(first)["t"] < 2:  # the window is about to end: start in the next one
        time.sleep(state(first)["t"])
        first = client.get(LIST)
    assert state(first)["r"] == 1
    assert client.get(LIST).status_code == 200
    refused = client.get(LIST)
    assert refused.status_code == 429
    # when it waits as long as it is told
    time.sleep(int(refused["Retry-After"]))
    # then it has its whole quota back
    again = client.get(LIST)
    assert again.status_code == 200
    assert state(again)["r"] == 1


@pytest.mark.parametrize("value", ["300", "0/60", "ten/60", "5/0"])
def test_a_malformed_rate_is_refused_clearly(value):
    ratelimit.parse_rate.cache_clear()
    with pytest.raises(Exception, match="<requests>/<seconds>"):
        ratelimit.parse_rate(value)


REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.fixture(params=["locmem", "filebased", "redis"])
def shared_cache(request, settings, tmp_path):
    """The cache the workers share: Redis in production, the file cache in var/ on one
    machine without Redis (and the in-process one of the tests)."""
    backend = request.param
    if backend == "filebased":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    if backend == "redis":
        if not _redis_answers():
            pytest.skip("no Redis at " + REDIS_URL)
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": f"ratelimit-test-{os.getpid()}-{time.time_ns()}",
            }
        }
    return backend


def _at_once(work, threads: int = 8) -> None:
    started = [threading.Thread(target=work) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()


def test_concurrent_requests_each_get_their_own_number(shared_cache):
    rate = ratelimit.Rate(1000, 60)
    now = time.time()  # one moment for all: every request falls in the same window
    seen: list[int] = []
    lock = threading.Lock()

    def worker():
        for _ in range(50):
            used = ratelimit.hit("anonymous", "203.0.113.50", rate, now=now).used
            with lock:
                seen.append(used)

    # when 8 workers count 50 requests each at the same time
    _at_once(worker)
    # then no count was lost and none was given twice
    assert sorted(seen) == list(range(1, 401))


def test_once_per_lets_one_of_many_at_once_through(shared_cache):
    # when 8 workers claim the same action for the same address 20 times at the same moment
    claims: list[bool] = []
    lock = threading.Lock()

    def worker():
        for n in range(20):
            claimed = ratelimit.once_per("test", f"someone-{n}@example.org", 60)
            with lock:
                claims.append(claimed)

    _at_once(worker)
    # then each address was claimed exactly once
    assert claims.count(True) == 20


def _count_in(queue, now: float) -> None:
    rate = ratelimit.Rate(1000, 60)
    queue.put([ratelimit.hit("anonymous", "203.0.113.51", rate, now=now).used for _ in range(50)])


def test_workers_in_other_processes_count_together(shared_cache):
    if shared_cache == "locmem":
        pytest.skip("the in-process cache is each process's own (the tests' cache only)")
    # given the shared counters of one machine (the SQLite file beside the file cache) or
    # Redis; each worker process opens its own connection (none is carried across fork())
    now = time.time()
    rate = ratelimit.Rate(1000, 60)
    fork = multiprocessing.get_context("fork")  # the children keep this test's settings
    queue = fork.Queue()
    # when 4 worker processes count 50 requests each from one address at once
    workers = [fork.Process(target=_count_in, args=(queue, now)) for _ in range(4)]
    for worker in workers:
        worker.start()
    seen = [used for _ in workers for used in queue.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=60)
    # then no count was lost and none was given twice, and another process counts on after them
    assert sorted(seen) == list(range(1, 201))
    assert ratelimit.hit("anonymous", "203.0.113.51", rate, now=now).used == 201


@pytest.fixture
def file_counters(settings, tmp_path):
    """The embedded default: the file cache, so the counters are the SQLite file beside it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    return tmp_path / "cache" / counters.FILE_NAME


def test_a_count_past_its_time_starts_again(file_counters):
    assert [counters.count("k", expires=110, now=100 + n) for n in range(3)] == [1, 2, 3]
    # when the same key is counted after its counter expired
    # then it starts again at 1, with the new expiry
    assert counters.count("k", expires=130, now=110) == 1
    assert counters.count("k", expires=999, now=129) == 2
    assert counters.count("k", expires=140, now=130) == 1


def test_a_claim_holds_for_its_period_then_can_be_taken_again(file_counters):
    assert counters.claim("reset:a@example.org", 60, now=1000) is True
    assert counters.claim("reset:a@example.org", 60, now=1059) is False
    assert counters.claim("reset:b@example.org", 60, now=1059) is True
    # when the period has passed
    assert counters.claim("reset:a@example.org", 60, now=1060) is True
    assert counters.claim("reset:a@example.org", 60, now=1061) is False


def test_expired_counters_are_deleted(file_counters, monkeypatch):
    now = time.time()
    for n in range(5):
        counters.count(f"old-{n}", expires=now + 1, now=now)
    counters.count("current", expires=now + 1000, now=now)
    # when someone counts after the counters expired and the purge is due
    monkeypatch.setattr(counters._file, "_purged", 0.0)
    counters.count("current", expires=now + 1000, now=now + 10)
    # then only the counter still running is left in the file
    with sqlite3.connect(file_counters) as db:
        assert db.execute("SELECT key, value FROM counter").fetchall() == [("current", 2)]


def test_the_openapi_description_documents_the_limits():
    # given the API's description
    schema = json.loads(openapi_json())
    components = schema["components"]
    # then the three fields and the 429 answer are described once
    assert {"RateLimit", "RateLimit-Policy", "Retry-After"} <= set(components["headers"])
    too_many = components["responses"]["TooManyRequests"]
    assert set(too_many["headers"]) == {"RateLimit", "RateLimit-Policy", "Retry-After"}
    assert too_many["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }
    # and every counted operation may answer 429 and carries the fields when it succeeds
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            if path.startswith("/api/v1/health"):
                assert "429" not in responses, f"{method} {path}"
                continue
            assert responses["429"] == {"$ref": "#/components/responses/TooManyRequests"}
            for status, response in responses.items():
                if status.startswith("2"):
                    assert set(response["headers"]) >= {"RateLimit", "RateLimit-Policy"}
