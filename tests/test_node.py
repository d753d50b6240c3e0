"""`mfa-archive node`: the files it writes for Scrapyd, and its user errors."""

from __future__ import annotations

import configparser
import importlib.util
import socket
from pathlib import Path

from crawler import settings as project_settings
from crawler.node import PROJECT, SETTINGS_MODULE, NodeConfig, write_node_files
from tests.conftest import run_cli


def test_the_node_writes_scrapyd_conf_and_its_project_settings(tmp_path: Path) -> None:
    config = NodeConfig(directory=tmp_path / "node", port=6899, bind="0.0.0.0", max_proc=3)
    write_node_files(config)
    conf = configparser.ConfigParser()
    conf.read(tmp_path / "node" / "scrapyd.conf")
    assert conf["scrapyd"]["http_port"] == "6899" and conf["scrapyd"]["max_proc"] == "3"
    assert conf["scrapyd"]["bind_address"] == "0.0.0.0"
    assert conf["scrapyd"]["node_name"] == f"{socket.gethostname()}:6899"  # host:port
    assert conf["scrapyd"]["eggs_dir"] == str((tmp_path / "node" / "eggs").resolve())
    assert conf["settings"][PROJECT] == SETTINGS_MODULE
    cfg = configparser.ConfigParser()
    cfg.read(tmp_path / "node" / "scrapy.cfg")
    assert cfg["settings"][PROJECT] == SETTINGS_MODULE
    spec = importlib.util.spec_from_file_location(
        "node_settings", tmp_path / "node" / f"{SETTINGS_MODULE}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    name = module.ARCHIVE_NODE
    assert name == f"{socket.gethostname()}:6899"
    assert module.EXTENSIONS == project_settings.EXTENSIONS  # the project's own


def test_a_given_name_is_the_node_name(tmp_path: Path) -> None:
    assert NodeConfig(directory=tmp_path, port=6800, name="crawl-7").node_name == "crawl-7"


def test_a_taken_port_is_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("node", "--port", str(port), "--dir", str(tmp_path / "n"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and f"127.0.0.1:{port}" in result.stderr


def test_the_node_settings_list_and_load_every_registered_source(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from crawler.registry import all_sources
    from tests.conftest import ROOT

    write_node_files(NodeConfig(directory=tmp_path, port=6898))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
           "SCRAPY_SETTINGS_MODULE": SETTINGS_MODULE}
    listed = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    keys = sorted(source.key for source in all_sources())
    assert listed.stdout.split() == keys
    declared = [s for s in all_sources() if s.kind == "declared"]
    assert declared  # the point: Scrapy's own loader does not know these

    from scrapy.settings import Settings

    from crawler.spiderloader import RegistrySpiderLoader

    loader = RegistrySpiderLoader.from_settings(Settings({"SPIDER_MODULES": ["crawler.spiders"]}))
    assert loader.load(declared[0].key) is declared[0].spider
    assert loader.load("az").name == "az"
