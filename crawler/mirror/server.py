"""Serving mirrors: one HTTP server per source on 127.0.0.1, port chosen by the OS.

Each source gets its own port so that its ``/robots.txt`` sits at the root, as
on the real site. Use :func:`serve` in-process (the demo) or run
``python -m crawler.mirror [KEY...]`` as a subprocess (the tests): it prints
``KEY URL`` lines, then ``ready``, and serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from crawler.exitcodes import EXIT_OK, EXIT_USAGE
from crawler.mirror.sites import SITES
from crawler.mirror.sites.base import MirrorRequest, MirrorResponse, MirrorSite

MAX_FORM_BYTES = 1 << 20


def _handler_for(site: MirrorSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "mirror/1"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: tests read what they need from the archive

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            form: dict[str, str] = {}
            if method == "POST":
                length = min(int(self.headers.get("Content-Length") or 0), MAX_FORM_BYTES)
                raw = self.rfile.read(length).decode("latin-1")
                form = dict(parse_qsl(raw, keep_blank_values=True))
            request = MirrorRequest(
                method=method,
                path=parts.path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                form=form,
                headers={k.lower(): v for k, v in self.headers.items()},
            )
            try:
                response = site.serve(request)
            except Exception as exc:  # noqa: BLE001 - a mirror bug is a 500, as on a real site
                response = MirrorResponse.text(f"mirror error: {exc}", status=500)
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(response.body)

        def do_GET(self) -> None:
            self._serve("GET")

        def do_HEAD(self) -> None:
            self._serve("HEAD")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


@contextlib.contextmanager
def serve(keys: Sequence[str] | None = None) -> Iterator[dict[str, str]]:
    """Serve the mirrors of ``keys`` (all by default); yield ``{key: base URL}``."""
    chosen = list(keys) if keys else sorted(SITES)
    unknown = [k for k in chosen if k not in SITES]
    if unknown:
        raise KeyError(f"no mirror for: {', '.join(unknown)}")
    with serve_sites({key: SITES[key]() for key in chosen}) as urls:
        yield urls


@contextlib.contextmanager
def serve_sites(sites: Mapping[str, MirrorSite]) -> Iterator[dict[str, str]]:
    """Serve site objects (e.g. a synthetic one for benchmarks); yield ``{key: base URL}``."""
    servers: list[ThreadingHTTPServer] = []
    urls: dict[str, str] = {}
    try:
        for key, site in sites.items():
            server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(site))
            server.daemon_threads = True
            servers.append(server)
            threading.Thread(target=server.serve_forever, name=f"mirror-{key}", daemon=True).start()
            urls[key] = f"http://127.0.0.1:{server.server_address[1]}"
        yield urls
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def serve_until_signal(context: contextlib.AbstractContextManager[dict[str, str]]) -> None:
    """Print ``KEY URL`` lines and ``ready``, then serve until SIGTERM or SIGINT."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with context as urls:
        for key, url in urls.items():
            print(key, url, flush=True)
        print("ready", flush=True)
        stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    keys = list(argv if argv is not None else sys.argv[1:])
    try:
        serve_until_signal(serve(keys or None))
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK
