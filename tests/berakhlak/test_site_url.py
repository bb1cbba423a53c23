"""`make run HOST=... PORT=...` prints, and e-mails link to, the address it really serves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from berakhlak.env import site_url_default

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "host, port, url",
    [
        (None, None, "http://127.0.0.1:8000"),
        ("127.0.0.1", "8101", "http://127.0.0.1:8101"),
        ("0.0.0.0", "8101", "http://127.0.0.1:8101"),  # noqa: S104
        ("demo.example", "80", "http://demo.example"),
        ("::1", "9000", "http://[::1]:9000"),
    ],
)
def test_default_site_url_follows_host_and_port(host, port, url):
    assert site_url_default(host, port) == url


def _site_url(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "berakhlak.settings", "DEBUG": "1", **env},
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1]


def test_settings_take_the_port_make_run_exports_and_an_explicit_site_url_wins():
    assert _site_url(HOST="127.0.0.1", PORT="8101") == "http://127.0.0.1:8101"
    assert _site_url(PORT="8101", SITE_URL="https://berakhlak.example.go.id") == (
        "https://berakhlak.example.go.id"
    )


def test_make_run_exports_host_and_port_to_the_server():
    makefile = (PROJECT / "Makefile").read_text()
    assert "run: export HOST := $(HOST)" in makefile and "run: export PORT := $(PORT)" in makefile
    dry = subprocess.run(
        ["make", "-s", "-n", "run", "PORT=8101", "VENV=.venv"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "runserver 127.0.0.1:8101" in dry.stdout
