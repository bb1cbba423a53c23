"""Validate roster rows against each other and the database, and count what would change.

Every problem is collected (sheet, row, column, reason in Indonesian); a plan with any problem is
never applied.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from berakhlak.models import Agency, AgencyKind, AsnType, Employee
from berakhlak.nip import nip_normalise, nip_problems
from berakhlak.roster.reader import EMPLOYEE_SHEET, UNIT_SHEET, Problem, RosterData

# The preview's names for the fields `_differences` reports.
FIELD_LABELS = {
    "nama": gettext_lazy("Nama"),
    "jenis": gettext_lazy("Jenis unit"),
    "kode_induk": gettext_lazy("Unit induk"),
    "jenis_asn": gettext_lazy("Jenis ASN"),
    "kode_unit": gettext_lazy("Unit"),
    "jabatan": gettext_lazy("Jabatan"),
    "email": gettext_lazy("E-mail"),
    "status": gettext_lazy("Status"),
}
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


def _label_key(text: str) -> str:
    return re.sub(r"[\s_\-/]+", "_", text.strip().upper())


KIND_ALIASES = {_label_key(str(label)): value for value, label in AgencyKind.choices}
KIND_ALIASES.update({value: value for value in AgencyKind.values})
KIND_ALIASES.update(
    {
        "SEKRETARIAT_DAERAH": AgencyKind.SETDA,
        "SEKRETARIAT_DPRD": AgencyKind.SETWAN,
        "SEKWAN": AgencyKind.SETWAN,
        "RS": AgencyKind.RSUD,
        "RUMAH_SAKIT": AgencyKind.RSUD,
        "PEMERINTAH_PROVINSI": AgencyKind.PROVINSI,
        "PROVINSI": AgencyKind.PROVINSI,
        "LAIN_LAIN": AgencyKind.LAINNYA,
    }
)
ASN_ALIASES = {value: value for value in AsnType.values}
ASN_ALIASES.update(
    {"PPPK_PW": AsnType.PPPK_PARUH_WAKTU, "PPPK_PARUHWAKTU": AsnType.PPPK_PARUH_WAKTU}
)


def asn_type_parse(raw: object) -> str | None:
    """The AsnType value for a cell such as "PNS", "pppk paruh waktu" or "PPPK-PW"; None if unknown."""
    return ASN_ALIASES.get(_label_key(str(raw))) if raw not in (None, "") else None


@dataclass
class PlannedUnit:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    existing_id: int | None = None
    change: str = NEW
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)


@dataclass
class PlannedEmployee:
    row: int
    nip: str
    name: str
    asn_type: str
    unit_code: str
    position: str
    email: str
    existing_id: int | None = None
    user_id: int | None = None
    change: str = NEW
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, before, after)


@dataclass
class RosterPlan:
    units: list[PlannedUnit] = field(default_factory=list)
    employees: list[PlannedEmployee] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    hidden_rows: dict[str, list[int]] = field(default_factory=dict)

    def changes(self, limit: int) -> list[dict]:
        """What each new or changed row does, units first, at most `limit` rows: the preview's
        per-row list (before -> after for every field that changes)."""
        rows = []
        for sheet, planned, key in (
            (UNIT_SHEET, self.units, "code"),
            (EMPLOYEE_SHEET, self.employees, "nip"),
        ):
            for row in planned:
                if row.change == UNCHANGED:
                    continue
                if len(rows) == limit:
                    return rows
                rows.append(
                    {
                        "sheet": sheet,
                        "row": row.row,
                        "key": getattr(row, key),
                        "name": row.name,
                        "change": row.change,
                        "fields": [list(change) for change in row.fields],
                    }
                )
        return rows

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        def tally(rows, kind):
            return sum(1 for row in rows if row.change == kind)

        return {
            "units_new": tally(self.units, NEW),
            "units_changed": tally(self.units, CHANGED),
            "units_unchanged": tally(self.units, UNCHANGED),
            "employees_new": tally(self.employees, NEW),
            "employees_changed": tally(self.employees, CHANGED),
            "employees_unchanged": tally(self.employees, UNCHANGED),
            "employees_missing": len(self.missing),
        }


def cell_text(value: object) -> str:
    """A cell's saved value as text (reader.py never gives formulas), integral numbers without
    their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def code_text(value: object) -> str:
    """A unit code as typed: full-width letters and digits as ASCII (NFKC), upper case."""
    return unicodedata.normalize("NFKC", cell_text(value)).upper()


class _Checker:
    def __init__(self, plan: RosterPlan, sheet: str, row: int):
        self.plan, self.sheet, self.row = plan, sheet, row

    def problem(self, column: str, message: str) -> None:
        self.plan.problems.append(Problem(self.sheet, self.row, column, message))

    def required(self, column: str, value: str, max_length: int = 255) -> str:
        if not value:
            self.problem(column, _("Wajib diisi."))
        elif len(value) > max_length:
            self.problem(
                column, _("Terlalu panjang (maksimal %(n)d karakter).") % {"n": max_length}
            )
        return value


def _differences(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """(field, before, after) for every field whose value changes, as the preview shows them."""
    shown = {True: _("aktif"), False: _("nonaktif"), None: ""}
    return [
        (name, shown.get(before[name], before[name]), shown.get(value, value))
        for name, value in after.items()
        if before[name] != value
    ]


def _plan_units(data: RosterData, plan: RosterPlan, existing: dict[str, dict]) -> dict[str, str]:
    """Validate the Unit sheet; return code -> parent code for every unit in the file."""
    first_row: dict[str, int] = {}
    parents: dict[str, str] = {}
    for record in data.units:
        check = _Checker(plan, UNIT_SHEET, record["row"])
        code = check.required("kode", code_text(record["kode"]), 32)
        if code and len(code) <= 32 and not CODE_PATTERN.match(code):
            check.problem(
                "kode",
                _("Kode hanya boleh berisi huruf, angka, titik, garis bawah dan tanda hubung."),
            )
        if code in first_row:
            check.problem(
                "kode",
                _("Kode '%(code)s' sudah dipakai di baris %(row)d.")
                % {"code": code, "row": first_row[code]},
            )
            continue
        name = check.required("nama", cell_text(record["nama"]))
        kind_raw = check.required("jenis", cell_text(record["jenis"]), 64)
        kind = KIND_ALIASES.get(_label_key(kind_raw)) if kind_raw else None
        if kind_raw and kind is None:
            check.problem(
                "jenis",
                _("Jenis unit '%(value)s' tidak dikenal. Gunakan salah satu: %(choices)s.")
                % {"value": kind_raw, "choices": ", ".join(AgencyKind.values)},
            )
        parent_code = code_text(record["kode_induk"])
        if code:
            first_row[code] = record["row"]
            parents[code] = parent_code
        if parent_code and parent_code == code:
            check.problem("kode_induk", _("Unit tidak boleh menjadi induk dirinya sendiri."))
        unit = PlannedUnit(record["row"], code, name, kind or "", parent_code)
        current = existing.get(code)
        if current:
            unit.existing_id = current["id"]
            unit.fields = _differences(
                {
                    "nama": current["name"],
                    "jenis": current["kind"],
                    "kode_induk": current["parent_code"],
                    "status": current["active"],
                },
                {"nama": name, "jenis": kind, "kode_induk": parent_code, "status": True},
            )
            unit.change = CHANGED if unit.fields else UNCHANGED
        plan.units.append(unit)
    for unit in plan.units:
        if (
            unit.parent_code
            and unit.parent_code != unit.code
            and unit.parent_code not in parents
            and unit.parent_code not in existing
        ):
            plan.problems.append(
                Problem(
                    UNIT_SHEET,
                    unit.row,
                    "kode_induk",
                    _("Unit induk '%(code)s' tidak dikenal.") % {"code": unit.parent_code},
                )
            )
    _check_cycles(plan, parents, existing)
    return parents


def _check_cycles(plan: RosterPlan, parents: dict[str, str], existing: dict[str, dict]) -> None:
    """The tree after import: parents from the file, else from the database."""

    def parent_of(code: str) -> str:
        if code in parents:
            return parents[code]
        return existing[code]["parent_code"] if code in existing else ""

    row_of = {unit.code: unit.row for unit in plan.units}
    reported: set[str] = set()
    for start in parents:
        seen: list[str] = []
        code = start
        while code and code not in seen:
            seen.append(code)
            code = parent_of(code)
        if code and code == start and start not in reported:
            cycle = [*seen, start]
            reported.update(seen)
            for member in seen:
                if member in row_of:
                    plan.problems.append(
                        Problem(
                            UNIT_SHEET,
                            row_of[member],
                            "kode_induk",
                            _("Susunan induk membentuk lingkaran: %(cycle)s.")
                            % {"cycle": " → ".join(cycle)},
                        )
                    )


def _nip_from_cell(value: object, check: _Checker) -> str:
    if isinstance(value, float):
        check.problem(
            "nip",
            _(
                "NIP tertulis sebagai angka sehingga digit terakhirnya hilang. "
                "Format kolom NIP sebagai Teks lalu isi ulang."
            ),
        )
        return ""
    return nip_normalise(cell_text(value))


def _plan_employees(data: RosterData, plan: RosterPlan, unit_codes: set[str]) -> None:
    existing = {
        row["nip"]: row
        for row in Employee.objects.values(
            "id",
            "user_id",
            "nip",
            "name",
            "asn_type",
            "agency__code",
            "position",
            "email",
            "active",
        )
    }
    first_row: dict[str, int] = {}
    for record in data.employees:
        check = _Checker(plan, EMPLOYEE_SHEET, record["row"])
        nip = _nip_from_cell(record["nip"], check)
        asn_raw = check.required("jenis_asn", cell_text(record["jenis_asn"]), 64)
        asn_type = ASN_ALIASES.get(_label_key(asn_raw)) if asn_raw else None
        if asn_raw and asn_type is None:
            check.problem(
                "jenis_asn",
                _("Jenis ASN '%(value)s' tidak dikenal. Gunakan salah satu: %(choices)s.")
                % {"value": asn_raw, "choices": ", ".join(AsnType.values)},
            )
        if not nip and not isinstance(record["nip"], float):
            check.problem("nip", _("Wajib diisi."))
        elif nip:
            for message in nip_problems(nip, asn_type):
                check.problem("nip", message)
            if nip in first_row:
                check.problem(
                    "nip",
                    _("NIP %(nip)s sudah ada di baris %(row)d.")
                    % {"nip": nip, "row": first_row[nip]},
                )
                continue
            first_row[nip] = record["row"]
        name = check.required("nama", cell_text(record["nama"]))
        unit_code = check.required("kode_unit", code_text(record["kode_unit"]), 32)
        if unit_code and unit_code not in unit_codes:
            check.problem(
                "kode_unit",
                _("Unit '%(code)s' tidak dikenal (tidak ada di sheet Unit maupun di sistem).")
                % {"code": unit_code},
            )
        position = cell_text(record["jabatan"])
        if len(position) > 255:
            check.problem("jabatan", _("Terlalu panjang (maksimal %(n)d karakter).") % {"n": 255})
        email = cell_text(record["email"])
        if email:
            try:
                validate_email(email)
            except ValidationError:
                check.problem(
                    "email", _("'%(value)s' bukan alamat e-mail yang sah.") % {"value": email}
                )
        employee = PlannedEmployee(
            record["row"], nip, name, asn_type or "", unit_code, position, email
        )
        current = existing.get(nip)
        if current:
            employee.existing_id, employee.user_id = current["id"], current["user_id"]
            employee.fields = _differences(
                {
                    "nama": current["name"],
                    "jenis_asn": current["asn_type"],
                    "kode_unit": (current["agency__code"] or "").upper(),
                    "jabatan": current["position"],
                    "email": current["email"],
                    "status": current["active"],
                },
                {
                    "nama": name,
                    "jenis_asn": asn_type,
                    "kode_unit": unit_code,
                    "jabatan": position,
                    "email": email,
                    "status": True,
                },
            )
            employee.change = CHANGED if employee.fields else UNCHANGED
        plan.employees.append(employee)
    plan.missing = [
        {"nip": nip, "name": row["name"], "unit": row["agency__code"]}
        for nip, row in existing.items()
        if row["active"] and nip not in first_row
    ]


def roster_plan(data: RosterData) -> RosterPlan:
    """Check every row and compare with the database; the plan lists every problem found."""
    plan = RosterPlan(hidden_rows=data.hidden_rows())
    existing_units = {
        row["code"].upper(): {**row, "parent_code": (row["parent__code"] or "").upper()}
        for row in Agency.objects.values("id", "code", "name", "kind", "parent__code", "active")
    }
    parents = _plan_units(data, plan, existing_units)
    _plan_employees(data, plan, set(parents) | set(existing_units))
    plan.problems.sort(key=lambda p: (p.sheet != UNIT_SHEET, p.row or 0))
    return plan
