"""A web worker keeps its long-lived objects out of the garbage collector's way: what
survives a slow full collection is frozen (``ascn.core.collector``), so that the next full
collections walk only what requests made since, instead of pausing the worker 40–70 ms every
few dozen requests (docs/benchmarks.md). Each case runs in a process of its own, as a
worker is: freezing changes the whole process."""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.db_independent


def run(code: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT / "src",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_what_survives_a_slow_full_collection_is_frozen_and_not_walked_again():
    shown = run(
        """
        import gc
        from ascn.core import collector
        collector.freeze_after_slow_collections(1)  # ms
        gc.disable()  # (no collection while they are made: the one below meets them all)
        kept = [[i] for i in range(300_000)]  # built after start-up, kept for good
        gc.enable()
        gc.collect()  # a full collection over them: slower than 1 ms
        oldest = gc.get_objects(generation=2)
        print(gc.get_freeze_count() >= 300_000, any(o is kept for o in oldest), len(oldest) < 10_000)
        """
    )
    assert shown == "True False True"


def test_a_quick_full_collection_freezes_nothing():
    shown = run(
        """
        import gc
        from ascn.core import collector
        collector.freeze_after_slow_collections(60_000)  # ms: no collection is this slow
        kept = [[i] for i in range(100_000)]
        gc.collect()
        print(gc.get_freeze_count())
        """
    )
    assert shown == "0"


def test_freezes_stop_after_their_limit_and_are_installed_once():
    shown = run(
        """
        import gc
        from ascn.core import collector
        collector.freeze_after_slow_collections(0.000001)
        collector.freeze_after_slow_collections(0.000001)  # a second call adds nothing
        hooks = [cb for cb in gc.callbacks if isinstance(cb, collector._FreezeAfterSlow)]
        for _ in range(collector.MAX_FREEZES + 5):
            gc.collect()
        print(len(hooks), hooks[0].freezes == collector.MAX_FREEZES)
        """
    )
    assert shown == "1 True"


def test_zero_turns_it_off():
    shown = run(
        """
        import gc
        from ascn.core import collector
        collector.freeze_after_slow_collections(0)
        kept = [[i] for i in range(300_000)]
        gc.collect()
        print(gc.get_freeze_count(), len(gc.callbacks))
        """
    )
    assert shown == "0 0"
