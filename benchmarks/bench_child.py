"""How long a second process's answer takes to load beside a busy thread (`core.values.child`).

    python benchmarks/bench_child.py benchmarks/.cache/gen-10000 --runs 5

The answer is the stored results of a warm repo (`core.values.elsewhere`: 2.6 MB at 10,000
experiments), sent once the second process is done. Printed: the seconds to load it, idle and
beside a thread that keeps the GIL busy (as the UI thread drawing the first frames does), taken
as `Child.answer` does (read whole through a 1 MB pipe) and as it did before (`pickle.load`
straight from a 64 KB pipe). Every read of the pipe gives up the GIL; the busy thread then holds
it for up to the switch interval (5 ms).
"""

from __future__ import annotations

import argparse
import fcntl
import pickle
import statistics
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cd4ml_tui.core.values.cache import cache_dir_for
from cd4ml_tui.core.values.child import PIPE_BYTES, Child

# how the answer is taken: (the pipe's size, how it is read)
WAYS: dict[str, tuple[int, Callable[[Child], object]]] = {
    "Child.answer (whole, 1 MB pipe)": (PIPE_BYTES, Child.answer),
    "pickle.load (64 KB pipe)": (1 << 16, lambda child: pickle.load(child._proc.stdout)),  # type: ignore[arg-type]
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    directory = cache_dir_for(args.repo)
    for busy in (False, True):
        for name, (pipe_bytes, take) in WAYS.items():
            times = [_load(directory, pipe_bytes, take, busy) for _ in range(args.runs)]
            where = "beside a busy thread" if busy else "idle"
            print(
                f"{name}, {where}: median {statistics.median(times):.3f} s, low {min(times):.3f} s"
            )
    return 0


def _load(directory: Path, pipe_bytes: int, take: Callable[[Child], object], busy: bool) -> float:
    child = Child("cd4ml_tui.core.values.elsewhere", [str(directory)])
    fcntl.fcntl(child._proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, pipe_bytes)  # type: ignore[union-attr]
    time.sleep(1.5)  # done decoding: it waits on the full pipe
    stop = threading.Event()
    spinner = threading.Thread(target=_spin if busy else threading.Event.wait, args=(stop,))
    spinner.start()
    start = time.perf_counter()
    try:
        take(child)
        return time.perf_counter() - start
    finally:
        stop.set()
        spinner.join()
        child.close()


def _spin(stop: threading.Event) -> None:
    while not stop.is_set():
        sum(range(1000))


if __name__ == "__main__":
    raise SystemExit(main())
