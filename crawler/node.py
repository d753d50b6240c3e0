"""``mfa-archive node``: a Scrapyd node that runs this project's spiders from the installed package.

Scrapyd finds a project either in its egg storage (``scrapyd-deploy`` uploads
one) or in the ``[settings]`` section of its configuration, which maps a
project name to a Scrapy settings module; a job then runs ``python -m
scrapyd.runner crawl SPIDER`` with ``SCRAPY_SETTINGS_MODULE`` set to it. This
module writes, under the node's directory:

* ``scrapyd.conf``: address, port, ``node_name``, process slots, the
  directories for eggs, logs and Scrapyd's queue, and ``[settings]
  mfa-archive = mfa_archive_node``;
* ``scrapy.cfg``: the same ``[settings]`` line, for Scrapy itself (Scrapyd
  lists a project's spiders with ``scrapy list`` in its working directory,
  without setting ``SCRAPY_SETTINGS_MODULE``);
* ``mfa_archive_node.py``: the project's settings (:mod:`crawler.settings`)
  plus ``ARCHIVE_NODE``, the node's name, which every run records, and a
  spider loader over the source registry (:mod:`crawler.spiderloader`), so the
  node runs declared sources too;

and then runs Scrapyd in the foreground there (it reads ``scrapyd.conf`` from
its working directory). Jobs inherit the node's environment, with the
directory on ``PYTHONPATH`` so the settings module imports.

A node keeps no state of its own that matters: the frontier, the runs and the
per-source locks are in the archive's PostgreSQL database, whose URL each job
carries (``schedule.json`` from ``mfa-archive schedule --node``).
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from crawler.exceptions import ArchiveError

PROJECT = "mfa-archive"  # the Scrapyd project name (also scrapy.cfg's [deploy] project)
SETTINGS_MODULE = "mfa_archive_node"


class NodeError(ArchiveError):
    """A node that cannot be started as asked."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeConfig:
    directory: Path
    port: int = 6800
    bind: str = "127.0.0.1"
    max_proc: int = 0  # 0: Scrapyd's default, 4 per CPU
    name: str | None = None
    poll_interval: float = 1.0  # seconds between looks at the job queue (Scrapyd's default: 5)

    @property
    def node_name(self) -> str:
        """``host:port`` unless a name was given, so two nodes on one host differ."""
        return self.name or f"{socket.gethostname()}:{self.port}"


def scrapyd_conf(config: NodeConfig) -> str:
    directory = config.directory.resolve()
    return "\n".join([
        "# Written by `mfa-archive node`; rewritten at every start.",
        "[scrapyd]",
        f"bind_address = {config.bind}",
        f"http_port = {config.port}",
        f"node_name = {config.node_name}",
        f"max_proc = {config.max_proc}",
        f"poll_interval = {config.poll_interval}",
        f"eggs_dir = {directory / 'eggs'}",
        f"logs_dir = {directory / 'logs'}",
        f"dbs_dir = {directory / 'dbs'}",
        "items_dir =",
        "jobs_to_keep = 20",
        "finished_to_keep = 1000",
        "",
        "[settings]",
        f"{PROJECT} = {SETTINGS_MODULE}",
        "",
    ])


def settings_module(config: NodeConfig) -> str:
    return "\n".join([
        '"""The settings of mfa-archive crawls run by this Scrapyd node (written by',
        '`mfa-archive node`; rewritten at every start)."""',
        "",
        "from crawler.settings import *  # noqa: F403",
        "",
        f"ARCHIVE_NODE = {config.node_name!r}",
        "# `scrapy list` and `scrapy crawl KEY` know every registered source, declared ones too.",
        'SPIDER_LOADER_CLASS = "crawler.spiderloader.RegistrySpiderLoader"',
        "",
    ])


def write_node_files(config: NodeConfig) -> None:
    """Write ``scrapyd.conf`` and the settings module under the node's directory."""
    directory = config.directory
    try:
        for sub in ("", "eggs", "logs", "dbs"):
            (directory / sub).mkdir(parents=True, exist_ok=True)
        (directory / "scrapyd.conf").write_text(scrapyd_conf(config), encoding="utf-8")
        (directory / "scrapy.cfg").write_text(
            f"# Written by `mfa-archive node`.\n[settings]\n{PROJECT} = {SETTINGS_MODULE}\n",
            encoding="utf-8")
        (directory / f"{SETTINGS_MODULE}.py").write_text(settings_module(config),
                                                         encoding="utf-8")
    except OSError as exc:
        raise NodeError(f"cannot write the node's files under {directory}: "
                        f"{exc.strerror or exc}") from exc


def check_port(bind: str, port: int) -> None:
    """One clear line, rather than Twisted's traceback, when the port is taken."""
    with socket.socket(socket.AF_INET6 if ":" in bind else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((bind, port))
        except OSError as exc:
            raise NodeError(f"cannot listen on {bind}:{port}: {exc.strerror or exc}") from exc


def run_node(config: NodeConfig) -> None:
    """Write the node's files and replace this process by Scrapyd, in the foreground."""
    try:
        import scrapyd  # noqa: F401 - only to say clearly that it is missing
    except ImportError as exc:
        raise NodeError("Scrapyd is not installed: pip install 'mfa-archive[nodes]'") from exc
    check_port(config.bind, config.port)
    write_node_files(config)
    directory = config.directory.resolve()
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(
        [str(directory), *filter(None, [env.get("PYTHONPATH")])])
    os.chdir(directory)
    # Scrapyd runs under twistd; --pidfile= : no pid file, the node may run from any directory.
    os.execve(sys.executable, [sys.executable, "-m", "scrapyd", "--pidfile="], env)
