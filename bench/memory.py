"""Peak memory of the whole process tree (this process and every child, such as dbt or generator workers).

A background thread sums the RSS of the tree every `interval_s` seconds and keeps the highest sum since the last
`reset_peak()`. Sampling can miss a spike shorter than the interval; 0.2 s is well below any stage worth measuring.
"""

from __future__ import annotations

import threading
from types import TracebackType

import psutil


def process_tree_rss_bytes(process: psutil.Process) -> int:
    """RSS of `process` plus all of its descendants, in bytes; processes that exit mid-sample count as 0."""
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return total


class ProcessTreeRssSampler:
    """Samples the current process tree's RSS in a daemon thread; use as a context manager."""

    def __init__(self, interval_s: float = 0.2) -> None:
        self._interval_s = interval_s
        self._process = psutil.Process()
        self._peak_bytes = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, name="rss-sampler", daemon=True)

    def __enter__(self) -> ProcessTreeRssSampler:
        self.sample()
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def sample(self) -> int:
        """Take one sample now (also called at stage boundaries, so short stages get at least two)."""
        rss = process_tree_rss_bytes(self._process)
        with self._lock:
            self._peak_bytes = max(self._peak_bytes, rss)
        return rss

    def reset_peak(self) -> None:
        """Start a new measurement window at the current RSS."""
        rss = process_tree_rss_bytes(self._process)
        with self._lock:
            self._peak_bytes = rss

    @property
    def peak_bytes(self) -> int:
        """Highest tree RSS seen since the last `reset_peak()`, including a sample taken now."""
        self.sample()
        with self._lock:
            return self._peak_bytes

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(self._interval_s):
            self.sample()
