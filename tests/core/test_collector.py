"""A web worker keeps its long-lived objects out of the garbage collector's way: after a slow
full collection, what the worker holds is frozen at its next idle moment
(``ascn.core.collector``), so that later full collections walk only what requests made
since, instead of pausing the worker 40–70 ms every few dozen requests
(docs/benchmarks.md). Never while another request is in flight: its objects would be frozen
too. Each case runs in a process of its own, as a worker is: freezing changes the whole
process."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.db_independent

SET_UP = """
import gc
from django.core.signals import request_finished, request_started
from ascn.core import collector

def request(body=lambda: None):
    request_started.send(sender=None)
    body()
    request_finished.send(sender=None)

def old_objects():
    gc.disable()  # (no collection while they are made: the one asked for meets them all)
    made = [[i] for i in range(300_000)]
    gc.enable()
    return made
"""


def run(code: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SET_UP + textwrap.dedent(code)],
        cwd=ROOT / "src",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_after_a_slow_full_collection_what_the_worker_holds_is_frozen_when_it_is_idle():
    shown = run(
        """
        collector.freeze_when_idle_after_slow_collections(1)  # ms
        kept = old_objects()  # built by the first requests, kept for good
        gc.collect()  # a full collection over them: slower than 1 ms
        before = gc.get_freeze_count()
        request()  # the next request ends with none other in flight
        oldest = gc.get_objects(generation=2)
        print(before, gc.get_freeze_count() >= 300_000, any(o is kept for o in oldest))
        """
    )
    assert shown == "0 True False"


def test_nothing_is_frozen_while_another_request_is_in_flight():
    shown = run(
        """
        collector.freeze_when_idle_after_slow_collections(1)
        kept = old_objects()
        frozen = []
        def while_another_runs():
            gc.collect()  # a slow full collection while this request is in flight
            # another request starts and ends while this one is still in flight
            request(lambda: frozen.append(gc.get_freeze_count()))
            frozen.append(gc.get_freeze_count())
        request(while_another_runs)
        after_both = gc.get_freeze_count()
        request()  # the next request starts with none in flight
        print(frozen, after_both, gc.get_freeze_count() >= 300_000)
        """
    )
    assert shown == "[0, 0] 0 True"


def test_what_the_request_before_held_is_not_frozen_with_the_rest():
    # given a request whose page is a cycle of objects (as a request, its response and its
    # figures are), alive until the server has sent it, during which a slow full
    # collection runs
    shown = run(
        """
        import weakref
        collector.freeze_when_idle_after_slow_collections(1)
        kept = old_objects()
        class Page:
            pass
        served = {}
        def make_page():
            page = Page()
            page.itself = page
            served["page"] = page
            gc.collect()  # slower than 1 ms: a freeze is due
        request(make_page)
        frozen_when_it_ended = gc.get_freeze_count()
        page = weakref.ref(served.pop("page"))  # sent: the server lets go of it
        # when the next request starts (the moment the worker freezes what it holds)
        request()
        frozen = gc.get_freeze_count() >= 300_000
        gc.collect()
        # then what the worker kept is frozen, and the page was collected, not frozen for good
        print(frozen_when_it_ended, frozen, page() is None)
        """
    )
    assert shown == "0 True True"


def test_a_quick_full_collection_freezes_nothing():
    shown = run(
        """
        collector.freeze_when_idle_after_slow_collections(60_000)  # ms: none is this slow
        kept = old_objects()
        request(gc.collect)
        request()
        print(gc.get_freeze_count())
        """
    )
    assert shown == "0"


def test_freezes_stop_after_their_limit_and_are_installed_once():
    shown = run(
        """
        collector.freeze_when_idle_after_slow_collections(0.000001)
        collector.freeze_when_idle_after_slow_collections(0.000001)  # adds nothing
        for _ in range(collector.MAX_FREEZES + 5):
            request(gc.collect)
        hooks = [cb for cb in gc.callbacks if cb == collector._freezer.collected]
        print(len(hooks), collector._freezer.freezes == collector.MAX_FREEZES)
        """
    )
    assert shown == "1 True"


def test_zero_turns_it_off():
    shown = run(
        """
        collector.freeze_when_idle_after_slow_collections(0)
        kept = old_objects()
        request(gc.collect)
        request()
        print(gc.get_freeze_count(), len(gc.callbacks))
        """
    )
    assert shown == "0 0"
