"""`make serve` keeps serving when one of its web workers dies: the worker is replaced."""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from bench.server import descendants, free_port

ROOT = Path(__file__).resolve().parents[2]


def workers(root: int) -> list[int]:
    """granian's worker processes: the granian processes whose parent is granian too."""

    def is_granian(pid: int) -> bool:
        """A Python process running granian (not `uv run granian`, which starts one)."""
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        return b"python" in Path(argv[0].decode()).name.encode() and any(
            arg.endswith(b"granian") for arg in argv
        )

    def parent(pid: int) -> int:
        try:
            return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            return 0

    return [pid for pid in descendants(root) if is_granian(pid) and is_granian(parent(pid))]


def alive(pid: int) -> bool:
    """Still running (not gone, not a zombie waiting for its parent)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as r:
            return r.status
    except OSError:
        return 0


def wait_for(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture
def served(tmp_path):
    """`make serve` with two workers on a free port, its data in a temporary folder."""
    port = free_port()
    env = {
        **os.environ,
        "SECRET_KEY": "supervision-test-" + "k" * 50,
        "HTTPS": "0",
        "ASCN_VAR_DIR": str(tmp_path),
        "ASCN_WARM_UP_MAP": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(  # noqa: S603 - the README's own command
        ["make", "--no-print-directory", "serve", f"PORT={port}", "WEB_WORKERS=2"],  # noqa: S607
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert wait_for(lambda: health(port) == 200 and len(workers(process.pid)) == 2, 180), (
            "make serve did not come up"
        )
        yield port, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_a_killed_web_worker_is_replaced_and_the_server_keeps_answering(served):
    port, process = served
    # given two workers serving
    before = workers(process.pid)
    assert len(before) == 2
    # when one dies without warning (out of memory, a crash in a C extension)
    os.kill(before[0], signal.SIGKILL)
    assert wait_for(lambda: not alive(before[0]), 10)
    # then the server keeps answering, through the other worker (a request the dying worker
    # had already accepted is lost with it: the soak test counts those)
    assert wait_for(lambda: health(port) == 200, 5)
    # and the dead worker is replaced by a new one
    assert wait_for(
        lambda: len(workers(process.pid)) == 2 and before[0] not in workers(process.pid)
    ), "the killed worker was not replaced"
    assert all(health(port) == 200 for _ in range(10))
