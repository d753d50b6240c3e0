"""A misbehaving ministry site on loopback: one fault per release URL.

``python -m tests.faults.server [--listing NAME,...] [--robots ok|503] [--site az --delay S]``
binds 127.0.0.1 port 0, prints its URL, then ``ready``, and serves until SIGTERM.

``/list?page=N`` lists ``/r/<name>`` for each ``--listing`` name, ten a page,
under the real-site host ``https://faults.test`` (the crawl reaches it through
``--base-url``). ``/r/<name>`` misbehaves according to the name (see
``Handler.route``). ``/__log`` returns every request so far as JSON (time,
path, headers); ``/__set?robots=ok&gone=NAME&edit=NAME&delay=S&gate=N|off``
changes behaviour between runs (``gate``: serve at most N release pages in
all, the others wait: a kill test's deterministic stopping point). With ``--site az`` it serves the az mirror instead, each release
page delayed by ``--delay`` seconds (the kill tests' slow mirror), only its
``--limit`` newest releases.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import json
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

REAL = "https://faults.test"
PER_PAGE = 10
RUSSIAN = (
    "Министр иностранных дел провёл переговоры с коллегой из соседней страны. "
    "Стороны обсудили торговлю, транспорт и культурное сотрудничество, а также "
    "подготовку визита на высшем уровне в следующем году. "
)


def article_html(name: str, *, version: int = 1, lang: str = "en", text: str | None = None,
                 meta_charset: str | None = "utf-8") -> str:
    body = text or (
        f"The Minister of Foreign Affairs met the Ambassador about release {name}. "
        "They discussed trade, transport and cultural cooperation between the two countries, "
        "and agreed to prepare a visit at the highest level next year. "
    ) * 4
    if version > 1:
        body += f" This text was edited after publication (version {version})."
    meta = f'<meta charset="{meta_charset}">' if meta_charset else ""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head>{meta}<title>Release {name}</title></head>'
        f'<body><header><nav><a href="/">Home</a></nav></header><main><div class="article">'
        f'<h1>Release {name}</h1><span class="date">2026-11-20</span>'
        f"<p>{body}</p><p>{body}</p></div></main><footer>Ministry</footer></body></html>"
    )


class State:
    def __init__(self, listing: list[str], robots: str, site: str | None, delay: float,
                 limit: int | None = None) -> None:
        self.listing = listing
        self.robots = robots
        self.site = site
        self.delay = delay
        self.hits: dict[str, int] = {}
        self.log: list[dict[str, Any]] = []
        self.gone: set[str] = set()
        self.edited: set[str] = set()
        self.lock = threading.Lock()
        self.mirror: Any = None
        if site:
            from crawler.mirror.sites import SITES

            self.mirror = SITES[site]()
            if limit:  # only the newest releases: a smaller site, a faster test
                self.mirror.releases = self.mirror.releases[:limit]
        self._bomb: bytes | None = None
        # At most `gate` release pages are served (None: no limit); the rest wait.
        self.gate: int | None = None
        self.served = 0
        self.gate_changed = threading.Condition()
        self.bomb_lock = threading.Lock()

    def hit(self, path: str, headers: dict[str, str]) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.log.append({"t": time.time(), "path": path, "headers": headers})
            return self.hits[path]

    @property
    def bomb(self) -> bytes:
        with self.bomb_lock:  # 64 MiB of spaces in ~64 KB of gzip, made once
            if self._bomb is None:
                self._bomb = gzip.compress(b"<html><body><p>" + b" " * (64 << 20), 6, mtime=0)
            return self._bomb


def make_handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        # -- plumbing ---------------------------------------------------------
        def send(self, status: int, body: bytes = b"", ctype: str | None = "text/html; charset=utf-8",
                 headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def article(self, name: str, html: str | None = None, *, etag: bool = True) -> None:
            version = 2 if name in state.edited else 1
            body = (html or article_html(name, version=version)).encode("utf-8")
            tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if etag and self.headers.get("If-None-Match") == tag:
                self.send(304, ctype=None, headers={"ETag": tag})
                return
            self.send(200, body, headers={"ETag": tag} if etag else None)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query))
            n = state.hit(parts.path, dict(self.headers.items()))
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.route(parts.path, query, n)

        # -- routes -----------------------------------------------------------
        def route(self, path: str, query: dict[str, str], n: int) -> None:
            if path == "/__log":
                with state.lock:
                    self.send(200, json.dumps(state.log).encode(), "application/json")
                return
            if path == "/__set":
                state.robots = query.get("robots", state.robots)
                state.delay = float(query.get("delay", state.delay))
                if "gate" in query:
                    with state.gate_changed:
                        state.gate = None if query["gate"] == "off" else int(query["gate"])
                        state.gate_changed.notify_all()
                if "gone" in query:
                    state.gone.add(query["gone"])
                if "edit" in query:
                    state.edited.add(query["edit"])
                self.send(200, b"ok", "text/plain")
                return
            if path == "/robots.txt":
                if state.robots == "ok":
                    self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
                else:
                    self.send(int(state.robots), b"<h1>Service Unavailable</h1>")
                return
            if state.mirror is not None:
                self.mirror(path, query)
                return
            if path == "/list":
                self.listing(int(query.get("page", "1")))
                return
            if path.startswith("/r/"):
                self.release(path[3:], n)
                return
            self.send(404, b"<h1>Not Found</h1>")

        def mirror(self, path: str, query: dict[str, str]) -> None:
            from crawler.mirror.sites.base import MirrorRequest

            if path.count("/") >= 3:  # a release page, not a listing
                with state.gate_changed:
                    state.gate_changed.wait_for(
                        lambda: state.gate is None or state.served < state.gate)
                    state.served += 1
                if state.delay:
                    time.sleep(state.delay)
            response = state.mirror.serve(MirrorRequest(
                method="GET", path=path, query=query, form={},
                headers={k.lower(): v for k, v in self.headers.items()}))
            self.send(response.status, response.body, None, response.headers)

        def listing(self, page: int) -> None:
            names = state.listing[(page - 1) * PER_PAGE: page * PER_PAGE] if page >= 1 else []
            items = "".join(
                f'<li><a href="{REAL}/r/{name}">Release {name}</a> '
                f'<span class="date">2026-11-{20 - i // 10:02d}</span></li>'
                for i, name in enumerate(names, start=(page - 1) * PER_PAGE)
            )
            self.send(200, f'<html><body><ul class="news">{items}</ul></body></html>'.encode())

        def release(self, name: str, n: int) -> None:
            if name in state.gone:
                self.send(410, b"<h1>Gone</h1>")
            elif name.startswith("ok"):
                self.article(name)
            elif name == "flaky":  # 503, 503, then the page
                if n <= 2:
                    self.send(503, b"<h1>Service Unavailable</h1>")
                else:
                    self.article(name)
            elif name == "missing":
                self.send(404, b"<h1>Not Found</h1>")
            elif name == "ratelimited":  # 429 Retry-After: 2, then the page
                if n == 1:
                    self.send(429, b"<h1>Too Many Requests</h1>", headers={"Retry-After": "2"})
                else:
                    self.article(name)
            elif name == "hang":  # accept, never answer
                time.sleep(30)
            elif name == "drip":  # headers, then a byte every 0.2 s
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                for _ in range(150):
                    self.wfile.write(b"<")
                    self.wfile.flush()
                    time.sleep(0.2)
            elif name in ("cut", "cutonce"):  # Content-Length 20000, 500 bytes, FIN
                if name == "cut" or n == 1:
                    body = article_html(name).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body) + 20000))
                    self.end_headers()
                    self.wfile.write(body[:500])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                else:
                    self.article(name)
            elif name in ("loop", "loop2"):
                target = "/r/loop2" if name == "loop" else "/r/loop"
                self.send(302, b"", headers={"Location": target})
            elif name == "cp1251":  # declared in the header
                html = article_html(name, lang="ru", text=RUSSIAN * 3, meta_charset=None)
                self.send(200, html.encode("cp1251"), "text/html; charset=windows-1251")
            elif name == "cp1251meta":  # declared in <meta> only
                html = article_html(name, lang="ru", text=RUSSIAN * 3, meta_charset="windows-1251")
                self.send(200, html.encode("cp1251"), "text/html")
            elif name == "cp1251bare":  # declared nowhere
                html = article_html(name, lang="ru", text=RUSSIAN * 3, meta_charset=None)
                self.send(200, html.encode("cp1251"), "text/html")
            elif name == "mislabelled":  # cp1251 sent as UTF-8
                html = article_html(name, lang="ru", text=RUSSIAN * 3, meta_charset=None)
                self.send(200, html.encode("cp1251"), "text/html; charset=utf-8")
            elif name == "empty":
                self.send(200, b"")
            elif name == "binary":  # a PDF served as HTML
                self.send(200, b"%PDF-1.7\n" + bytes(range(256)) * 40)
            elif name in ("huge", "hugechunked"):  # 30 MB, declared or not
                chunk = b"<p>" + b"x" * 65533
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if name == "huge":
                    self.send_header("Content-Length", str(30 * 1024 * 1024))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                for _ in range(30 * 16):
                    self.wfile.write(chunk)
            elif name == "bomb":
                self.send(200, state.bomb, headers={"Content-Encoding": "gzip"})
            elif name == "nul":  # NUL bytes, invalid UTF-8, a lone surrogate reference
                html = article_html(name).replace(
                    "They discussed", "They\x00 discussed").encode("utf-8")
                html = html.replace(b"agreed to", b"agreed \xff\xfe\xc3( to", 1)
                html = html.replace(b"</h1>", b" &#xD800;\x00</h1>", 1)
                self.send(200, html)
            else:
                self.send(404, b"<h1>Not Found</h1>")

    return Handler


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many connections at once, never a refused or stalled connect


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--listing", default="")
    parser.add_argument("--robots", default="ok")
    parser.add_argument("--site")
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    state = State([n for n in args.listing.split(",") if n], args.robots, args.site, args.delay,
                  args.limit)
    if "bomb" in state.listing:
        threading.Thread(target=lambda: state.bomb, daemon=True).start()
    server = _Server(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    print("ready", flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
