"""`make run`'s banner lists every page README lists, each a real route, and `make run` points
the mini-program at the port it serves on."""

import re
import shutil
from pathlib import Path

import pytest

from backend import devserver
from config.settings import ROOT

BASE, FAKE = "http://127.0.0.1:5000", "http://127.0.0.1:5050"


def readme_urls() -> set[str]:
    start = (ROOT / "README.md").read_text(encoding="utf-8").split("### What `make run` starts")[1]
    table = start.split("\n\n")[2]  # the paragraph, then the URL table
    return set(re.findall(r"^\| (http://127\.0\.0\.1:50[05]0/\S*) \|", table, re.M))


def test_the_banner_prints_every_url_readme_lists():
    urls = readme_urls()
    assert len(urls) >= 20  # the console, the API docs, health and the fake WeChat page
    printed = devserver.banner(BASE, FAKE)
    assert [url for url in sorted(urls) if url not in printed] == []


@pytest.mark.parametrize(
    "path", [path for pages in devserver.CONSOLE_URLS.values() for path, _what in pages]
)
def test_every_console_page_in_the_banner_is_a_route(app, path):
    endpoint, _args = app.url_map.bind("localhost").match(path, method="GET")
    assert endpoint.startswith("console.")


def test_make_run_points_the_mini_program_at_its_port(tmp_path):
    config = Path(shutil.copy(devserver.MINIPROGRAM_CONFIG, tmp_path / "config.js"))

    assert devserver.point_miniprogram_at("http://127.0.0.1:5001", config) is True
    assert "apiBaseUrl: 'http://127.0.0.1:5001'," in config.read_text(encoding="utf-8")
    assert devserver.point_miniprogram_at("http://127.0.0.1:5001", config) is False


def test_with_the_default_port_the_mini_programs_config_is_left_as_committed():
    assert devserver.point_miniprogram_at(f"http://{devserver.HOST}:{devserver.PORT}") is False
