"""Run every benchmark module in this package against a throwaway database.

python -m bench.run [NAME ...]   (NAME: a module such as roster_import; default: all)

Uses berakhlak.settings_test. With DATABASE_URL set, the benchmark database is a fresh
``bench_<name>`` next to it on the same server; without, a SQLite file in a temporary directory.
Neither the development nor the production database is touched.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile
import time
from pathlib import Path

SKIP = {"run"}


def _setup_django(workdir: Path) -> tuple:
    os.environ["DJANGO_SETTINGS_MODULE"] = "berakhlak.settings_test"
    import django

    django.setup()
    from django.db import connection

    original_name = connection.settings_dict["NAME"]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(workdir / "bench.sqlite3")
    else:
        test_settings["NAME"] = f"bench_{connection.settings_dict['NAME']}"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    return connection, original_name


def main(argv: list[str]) -> int:
    package = Path(__file__).resolve().parent
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(package)]) if m.name not in SKIP
    )
    with tempfile.TemporaryDirectory(prefix="berakhlak-bench-") as workdir:
        connection, original_name = _setup_django(Path(workdir))
        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        try:
            for name in names:
                module = importlib.import_module(f"bench.{name}")
                print(f"\n== {name} ==")
                started = time.perf_counter()
                module.run(Path(workdir))
                print(f"({name}: {time.perf_counter() - started:.1f} s in all)")
        finally:
            connection.creation.destroy_test_db(original_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
