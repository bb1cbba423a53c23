"""scripts/system-deps, which `make test` runs first: installs what is missing where it can (root
or password-less sudo on Debian), otherwise stops at once with the one command to run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system-deps"


def _fake(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def _run(tmp_path: Path, *, uid: int, sudo_ok: bool) -> subprocess.CompletedProcess:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    _fake(bin_dir, "id", f'[ "$1" = "-u" ] && echo {uid}')
    _fake(
        bin_dir,
        "sudo",
        'if [ "$1" = "-n" ] && [ "$2" = "true" ]; then exit '
        f'{0 if sudo_ok else 1}; fi; shift; exec "$@"',
    )
    _fake(bin_dir, "apt-get", f'echo "$@" >> {log}')
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    env.pop("CHROMIUM_PATH", None)
    env["CHROMIUM_DEFAULT"] = str(tmp_path / "no-chromium")
    return subprocess.run(
        ["sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30, check=False
    )


def test_without_root_or_sudo_it_stops_with_the_command_to_run(tmp_path):
    result = _run(tmp_path, uid=1000, sudo_ok=False)
    assert result.returncode == 1
    assert "sudo apt-get install -y" in result.stdout and "chromium" in result.stdout
    assert not (tmp_path / "apt.log").exists()


def test_as_root_it_installs_what_is_missing(tmp_path):
    result = _run(tmp_path, uid=0, sudo_ok=False)
    assert result.returncode == 0, result.stdout + result.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert calls[0].startswith("update")
    assert calls[1].startswith("install -y -qq") and "chromium" in calls[1]


def test_with_passwordless_sudo_it_installs_too(tmp_path):
    result = _run(tmp_path, uid=1000, sudo_ok=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "chromium" in (tmp_path / "apt.log").read_text()


def test_nothing_to_do_when_everything_is_there(tmp_path):
    # This machine has what make test needs (the browser tests run here).
    env = {**os.environ}
    env.pop("CHROMIUM_DEFAULT", None)
    result = subprocess.run(
        ["sh", str(SCRIPT)], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout == ""
