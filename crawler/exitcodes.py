"""The exit codes of ``mfa-archive`` (documented in the README), defined once.

Every command exits 0 when it did its work, 1 when it failed, 2 for a usage
error (a refused query too). ``crawl`` adds 3, 4 and 5; when sources end
differently, the most severe wins: interrupted, errors, locked, degraded.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERRORS = 1  # completed_with_errors or failed; any command that failed
EXIT_USAGE = 2  # a usage error, or a query refused before it ran
EXIT_DEGRADED = 3  # degraded or blocked: the site may have changed
EXIT_INTERRUPTED = 4  # SIGTERM/SIGINT: in-flight work committed, resume with the next run
EXIT_LOCKED = 5  # another crawl of the source is running: this one did not start

#: What a crawl's exit code says (the scheduler's log).
EXIT_NAMES = {
    EXIT_OK: "completed",
    EXIT_ERRORS: "errors",
    EXIT_USAGE: "usage error",
    EXIT_DEGRADED: "degraded",
    EXIT_INTERRUPTED: "interrupted",
    EXIT_LOCKED: "locked (another run of the source is going)",
}
