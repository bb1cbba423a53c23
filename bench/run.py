"""Run the benchmark modules of this package, each in its own throwaway database.

python -m bench.run [NAME ...]   (NAME: a module such as roster_import; default: all)
python -m bench.run --one NAME   (one module in this process: what the first form runs per module)

Every module runs in a child process of its own (`--one`), which creates a fresh database, runs
the module and destroys the database, so no module sees another's data and a crash (or a leak of
memory) stays in its own process. A module that fails prints its traceback; the others still run,
and the exit code is non-zero at the end.

Uses berakhlak.settings_test. With DATABASE_URL set, the database of module M is a fresh
``bench_<dbname>_<M>`` next to it on the same server; without, a SQLite file in a temporary
directory of its own. Neither the development nor the production database is touched.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

SKIP = {"run", "settings", "urls", "national_seed", "pages_seed"}  # helpers, not benchmarks


def modules() -> list[str]:
    package = Path(__file__).resolve().parent
    return sorted(m.name for m in pkgutil.iter_modules([str(package)]) if m.name not in SKIP)


def _setup_django(workdir: Path, name: str) -> tuple:
    os.environ["DJANGO_SETTINGS_MODULE"] = "berakhlak.settings_test"
    import django

    django.setup()
    from django.db import connection

    original_name = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(workdir / f"bench_{name}.sqlite3")
    else:
        # PostgreSQL identifiers are at most 63 bytes.
        test_settings["NAME"] = f"bench_{original_name}_{name}"[:63]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection, original_name


def run_one(name: str) -> int:
    """Run one module in this process, in a database of its own. 0 if it ran to the end."""
    with tempfile.TemporaryDirectory(prefix=f"berakhlak-bench-{name}-") as workdir:
        connection, original_name = _setup_django(Path(workdir), name)
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"bench.{name}")
            module.run(Path(workdir))
            status = 0
        except BaseException:  # reported; the runner goes on with the other modules
            traceback.print_exc()
            status = 1
        finally:
            connection.close()
            connection.creation.destroy_test_db(original_name, verbosity=0)
        print(f"({name}: {time.perf_counter() - started:.1f} s in all)", flush=True)
        return status


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        if len(argv) != 2:
            raise SystemExit("usage: python -m bench.run --one NAME")
        return run_one(argv[1])
    names = argv or modules()
    unknown = sorted(set(names) - set(modules()))
    if unknown:
        raise SystemExit(f"unknown benchmark module(s): {', '.join(unknown)}")
    failed, verdicts = [], []
    for name in names:
        print(f"\n== {name} ==", flush=True)
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.run", "--one", name],
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        assert child.stdout is not None
        for text in child.stdout:
            sys.stdout.write(text)
            sys.stdout.flush()
            if text.startswith("bench "):
                verdicts.append(text.rstrip("\n"))
        if child.wait() != 0:
            failed.append(name)
    print("\n== summary ==")
    for text in verdicts:
        print(text)
    targets = [t for t in verdicts if "(target " in t]  # the others are counts, no verdict
    missed = [t for t in targets if t.endswith("NOT met")]
    print(
        f"{len(names) - len(failed)} of {len(names)} modules ran to the end"
        + (f"; failed: {', '.join(failed)}" if failed else "")
        + f"; {len(targets) - len(missed)} of {len(targets)} targets met"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
