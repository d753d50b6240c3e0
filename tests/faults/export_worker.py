"""The export worker with a fault (``db.export_parallel.WORKER_ARGS`` points here in tests).

``python -P -m tests.faults.export_worker FAULT FD``: ``fail`` reports an error once
its job has come, ``hang`` never opens its snapshot, ``die`` is killed after its
rows are written, before it reports them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Any

from db.export_worker import WorkerFailed, WorkerHooks, worker


class Faulty(WorkerHooks):
    def __init__(self, fault: str) -> None:
        if fault not in ("fail", "hang", "die"):
            raise SystemExit(f"unknown fault {fault!r}")
        self.fault = fault

    def job_received(self, job: dict[str, Any]) -> None:
        if self.fault == "fail":
            raise WorkerFailed("simulated failure")
        if self.fault == "hang":
            threading.Event().wait()

    def rows_written(self) -> None:
        if self.fault == "die":  # a crash after the rows, before the report
            os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(worker(int(sys.argv[2]), Faulty(sys.argv[1])))
