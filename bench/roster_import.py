"""Roster import of 50,000 employees: read + check (the preview) and apply, time and peak memory.

Baseline, measured in the same run on the same file: a bare openpyxl read-only iteration over both
sheets, the least any import has to do. Ratios are (import phase) / (baseline).
"""

from __future__ import annotations

import gc
import resource
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import openpyxl

from bench import verdict_line

EMPLOYEES = 50_000
TARGET_RATIO = 3.0  # each phase against the bare openpyxl read of the same file
TARGET_RSS_MIB = 256  # memory bounded whatever the file's size
UNIT_HEADER = ["kode", "nama", "jenis", "kode_induk"]
EMPLOYEE_HEADER = ["nip", "nama", "jenis_asn", "kode_unit", "jabatan", "email"]
OPDS = 40
_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _nip(n: int) -> str:
    """A valid, unique PNS NIP for employee n (birth date, TMT, gender digit, sequence)."""
    born = date(1965, 1, 1) + timedelta(days=(n // 1000) * 37 + n % 28)
    return f"{born:%Y%m%d}{born.year + 25}01{1 + n % 2}{n % 1000:03d}"


def roster_workbook_write(path: Path, employees: int) -> None:
    book = openpyxl.Workbook(write_only=True)
    units = book.create_sheet("Unit")
    units.append(UNIT_HEADER)
    units.append(["PROV", "Pemerintah Provinsi Bench", "PROVINSI", None])
    for i in range(OPDS):
        units.append([f"OPD-{i:02d}", f"Dinas Bench {i}", "DINAS", "PROV"])
    people = book.create_sheet("Pegawai")
    people.append(EMPLOYEE_HEADER)
    for n in range(employees):
        people.append(
            [
                _nip(n),
                f"Pegawai Bench {n}",
                "PNS",
                f"OPD-{n % OPDS:02d}",
                "Analis Kebijakan",
                f"pegawai{n}@example.go.id",
            ]
        )
    book.save(path)


def _peak_rss_reset() -> bool:
    """Reset the kernel's high-water mark (Linux); False where that is not possible."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def _peak_rss_kib() -> int:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, never reset


def _rss_kib() -> int:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return _peak_rss_kib()


def measure(step: Callable[[], object]) -> tuple[object, float, int]:
    """Run step; return its result, wall seconds and the peak RSS growth over the start (KiB)."""
    gc.collect()
    resettable = _peak_rss_reset()
    before = _rss_kib() if resettable else _peak_rss_kib()
    started = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - started
    return result, seconds, max(_peak_rss_kib() - before, 0)


def baseline_read(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = 0
        for sheet in book.worksheets:
            for _values in sheet.iter_rows(values_only=True):
                rows += 1
        return rows
    finally:
        book.close()


def run(workdir: Path) -> None:
    from django.db import transaction

    from berakhlak.models import Employee
    from berakhlak.roster.services import roster_plan_from_file
    from berakhlak.roster.writer import roster_apply

    path = workdir / "roster-50k.xlsx"
    _, write_seconds, _ = measure(lambda: roster_workbook_write(path, EMPLOYEES))
    size_mib = path.stat().st_size / 2**20
    print(
        f"workbook: {EMPLOYEES:,} employees, {OPDS + 1} units, {size_mib:.1f} MiB, written in {write_seconds:.1f} s"
    )

    rows, base_seconds, base_kib = measure(lambda: baseline_read(path))

    def plan_step():
        with path.open("rb") as fileobj:
            return roster_plan_from_file(fileobj)

    plan, plan_seconds, plan_kib = measure(plan_step)
    if not plan.ok:
        raise SystemExit(f"benchmark workbook rejected: {[str(p) for p in plan.problems[:5]]}")

    def apply_step():
        with transaction.atomic():
            return roster_apply(plan, deactivate_missing=False)

    _, apply_seconds, apply_kib = measure(apply_step)
    assert Employee.objects.count() == EMPLOYEES

    # A second upload of the same file: everything is compared against 50,000 rows in the database.
    replan, replan_seconds, replan_kib = measure(plan_step)
    assert replan.counts()["employees_unchanged"] == EMPLOYEES

    base_mib = max(base_kib, 1) / 1024
    print(
        f"baseline  openpyxl read-only iteration: {rows:,} rows in {base_seconds:.2f} s, peak RSS +{base_mib:.0f} MiB"
    )
    print(
        f"{'phase':<28}{'seconds':>9}{'x baseline':>12}{'peak RSS MiB':>14}{'x baseline':>12}{'rows/s':>10}"
    )
    for label, seconds, kib in (
        ("read + check (preview)", plan_seconds, plan_kib),
        ("apply (new employees)", apply_seconds, apply_kib),
        ("re-check, all unchanged", replan_seconds, replan_kib),
    ):
        print(
            f"{label:<28}{seconds:>9.2f}{seconds / base_seconds:>12.1f}{kib / 1024:>14.0f}"
            f"{kib / max(base_kib, 1):>12.1f}{EMPLOYEES / seconds:>10,.0f}"
        )
    for name, seconds, kib in (
        ("roster_import_preview", plan_seconds, plan_kib),
        ("roster_import_apply", apply_seconds, apply_kib),
        ("roster_import_recheck", replan_seconds, replan_kib),
    ):
        ratio = seconds / base_seconds
        verdict_line(
            name,
            f"{ratio:.1f}x the bare read ({seconds:.1f} s / {base_seconds:.1f} s for {EMPLOYEES:,} rows)",
            f"<= {TARGET_RATIO:g}x",
            ratio <= TARGET_RATIO,
        )
        verdict_line(
            f"{name}_peak_rss",
            f"{kib / 1024:.0f} MiB above the process's start",
            f"<= {TARGET_RSS_MIB} MiB",
            kib / 1024 <= TARGET_RSS_MIB,
        )
    if not _CLEAR_REFS.exists():
        print(
            "(peak RSS could not be reset per phase here: figures are the process high-water mark)"
        )
