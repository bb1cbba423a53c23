"""The data of the pages benchmark (bench/pages.py), seeded on PostgreSQL with set-based SQL (no
Python row per person):
- a 3-level tree of 2,034 agencies: the province, 40 OPDs (Setda, Setwan, Inspektorat, 23 Dinas,
  10 Badan, 4 RSUD), 1,993 bidang/UPTD/Biro below them (one OPD with 420 schools and UPTDs);
- a flat tree of 1,968 OPDs directly under a second province root.
Unit sizes as a national roster: 8% of the units have 1-4 people, the others log-normal (median
about 300, 20-5,000); the ASN mix 72/18/7/3 % PNS/PPPK/CPNS/PPPK paruh waktu; about 70% of each
unit answered online, 3% started, and one unit in twenty also imported paper answers. That is
about 795,000 and 747,000 invited employees (participations) and 555,000 and 522,000 responses,
a national-sized roster on a province-sized tree. The round of the 3-level tree stays open
(provisional figures, live board); the flat one is closed, computed and published. Both runs are
computed by the real code path (reports.services.compute), suppression included.

A helper, not a benchmark (bench/run.py skips it); bench/national_seed.py reuses its Tree,
_agencies_create, _admin and _replica.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from dataclasses import dataclass, field

SEED = 20260611
ASN_MIX = (("PNS", 72), ("PPPK", 90), ("CPNS", 97), ("PPPK_PARUH_WAKTU", 100))
OPD_KINDS = ["SETDA", "SETWAN", "INSPEKTORAT"] + ["DINAS"] * 23 + ["BADAN"] * 10 + ["RSUD"] * 4
OPD_NAMES = {
    "SETDA": "Sekretariat Daerah",
    "SETWAN": "Sekretariat DPRD",
    "INSPEKTORAT": "Inspektorat",
    "DINAS": "Dinas",
    "BADAN": "Badan",
    "RSUD": "Rumah Sakit Umum Daerah",
    "LAINNYA": "Satuan",
}
FIELDS = (
    "Pendidikan",
    "Kesehatan",
    "Pekerjaan Umum",
    "Perhubungan",
    "Sosial",
    "Pertanian",
    "Kehutanan",
    "Perikanan",
    "Pariwisata",
    "Perdagangan",
    "Perindustrian",
    "Lingkungan Hidup",
    "Kependudukan",
    "Komunikasi dan Informatika",
    "Koperasi",
    "Ketahanan Pangan",
    "Keuangan",
    "Pendapatan",
    "Perencanaan",
    "Kepegawaian",
    "Penanggulangan Bencana",
    "Perpustakaan",
)


@dataclass
class Tree:
    label: str
    root_code: str
    # (code, name, kind, parent code or None, roster, online, started, paper)
    rows: list[tuple] = field(default_factory=list)

    @property
    def agencies(self) -> int:
        return len(self.rows)

    @property
    def roster(self) -> int:
        return sum(r[4] for r in self.rows)


def _size(rng: random.Random) -> tuple[int, int, int, int]:
    """(roster, online, started, paper) of one unit: 8% tiny, the rest log-normal."""
    if rng.random() < 0.08:
        roster = rng.randint(1, 6)
        online = min(roster, rng.randint(1, 4))
        return roster, online, 0, 0
    roster = max(20, min(5000, int(rng.lognormvariate(math.log(300), 0.8))))
    rate = min(0.98, max(0.3, rng.gauss(0.70, 0.15)))
    online = int(roster * rate)
    started = min(roster - online, int(roster * 0.03))
    paper = int(roster * 0.1) if rng.random() < 0.05 else 0
    return roster, online, started, min(paper, roster - online - started)


def tree_three_level(rng: random.Random) -> Tree:
    tree = Tree("tiga tingkat", "BENCH3")
    tree.rows.append(("BENCH3", "Pemerintah Provinsi Uji Nasional", "PROVINSI", None, 0, 0, 0, 0))
    widths = [420] + [rng.randint(20, 75) for _ in range(39)]
    scale = (1993 - 420) / sum(widths[1:])
    widths = [420] + [max(1, round(w * scale)) for w in widths[1:]]
    widths[-1] += 1993 - sum(widths)
    unit = 0
    for i, (kind, width) in enumerate(zip(OPD_KINDS, widths, strict=True), start=1):
        code = f"B3-OPD{i:02d}"
        subject = FIELDS[i % len(FIELDS)]
        name = (
            OPD_NAMES[kind]
            if kind in ("SETDA", "SETWAN", "INSPEKTORAT")
            else f"{OPD_NAMES[kind]} {subject} {i}"
        )
        tree.rows.append((code, name, kind, "BENCH3", *_size(rng)))
        for j in range(1, width + 1):
            unit += 1
            child_kind = "BIRO" if kind == "SETDA" else ("UPTD" if j % 3 else "UNIT")
            label = {"BIRO": "Biro", "UPTD": "UPTD", "UNIT": "Bidang"}[child_kind]
            tree.rows.append(
                (
                    f"B3-U{unit:04d}",
                    f"{label} {subject} {j} ({code})",
                    child_kind,
                    code,
                    *_size(rng),
                )
            )
    assert tree.agencies == 2034, tree.agencies
    return tree


def tree_flat(rng: random.Random) -> Tree:
    tree = Tree("datar", "BENCHF")
    tree.rows.append(("BENCHF", "Pemerintah Provinsi Uji Datar", "PROVINSI", None, 0, 0, 0, 0))
    kinds = ["DINAS"] * 10 + ["BADAN"] * 5 + ["RSUD"] * 2 + ["INSPEKTORAT", "LAINNYA"]
    for i in range(1, 1969):
        kind = kinds[i % len(kinds)]
        name = f"{OPD_NAMES[kind]} {FIELDS[i % len(FIELDS)]} {i:04d}"
        tree.rows.append((f"BF-{i:04d}", name, kind, "BENCHF", *_size(rng)))
    return tree


def _agencies_create(tree: Tree):
    from berakhlak.models import Agency
    from berakhlak.services import agency_paths_rebuild

    parents = {r[0]: r[3] for r in tree.rows}

    def depth(code: str) -> int:
        return 0 if parents[code] is None else 1 + depth(parents[code])

    by_code: dict[str, Agency] = {}
    for level in range(3):
        rows = [r for r in tree.rows if depth(r[0]) == level]
        created = Agency.objects.bulk_create(
            Agency(code=c, name=n, kind=k, parent=by_code.get(p)) for c, n, k, p, *_s in rows
        )
        by_code.update({a.code: a for a in created})
    agency_paths_rebuild()
    return Agency.objects.get(code=tree.root_code)


def _admin():
    from berakhlak.models import User

    user, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


def _round_open(root, admin, name: str):
    from django.utils import timezone

    from evaluations.services import round_create
    from surveys.models import Instrument, InstrumentKind, RoundInstrument
    from surveys.services.rounds import round_open

    today = timezone.localdate()
    round = round_create(
        root=root,
        by=admin,
        name=name,
        year=today.year,
        survey_opens_on=today - dt.timedelta(days=1),
        survey_closes_on=today + dt.timedelta(days=9),
        evidence_opens_on=today - dt.timedelta(days=1),
        evidence_closes_on=today + dt.timedelta(9),
        review_opens_on=today,
        review_closes_on=today + dt.timedelta(days=20),
    )
    behaviour = (
        Instrument.objects.filter(kind=InstrumentKind.BEHAVIOUR)
        .order_by("code", "-version")
        .first()
    )
    RoundInstrument.objects.create(round=round, instrument=behaviour, order=1)
    # The roster is seeded after opening (below, by SQL, exactly as participations_invite would
    # write it): opening invites nobody, so no Python object is built per employee.
    return round_open(round=round, by=admin)


USERS_SQL = """
INSERT INTO berakhlak_user (password, is_superuser, username, first_name, last_name, email,
                            is_staff, is_active, date_joined, must_change_password,
                            session_generation)
SELECT '!', false, %(prefix)s || lpad(g::text, 10, '0'), '', '', '', false, true, now(), false, 0
FROM generate_series(%(first)s, %(last)s) AS g
"""

EMPLOYEES_SQL = """
INSERT INTO berakhlak_employee (user_id, nip, name, asn_type, position, agency_id, email, active,
                                created_at, updated_at)
SELECT u.id, u.username, 'Pegawai ' || src.g, src.asn_type, '', src.agency_id, '', true, now(), now()
FROM (
    SELECT a.agency_id, a.offset_ + k AS g,
           CASE WHEN (a.offset_ + k) %% 100 < 72 THEN 'PNS' WHEN (a.offset_ + k) %% 100 < 90 THEN 'PPPK'
                WHEN (a.offset_ + k) %% 100 < 97 THEN 'CPNS' ELSE 'PPPK_PARUH_WAKTU' END AS asn_type
    FROM unnest(%(agencies)s::bigint[], %(rosters)s::int[], %(offsets)s::int[])
         AS a(agency_id, roster, offset_),
         generate_series(1, a.roster) AS k
) AS src
JOIN berakhlak_user u ON u.username = %(prefix)s || lpad(src.g::text, 10, '0')
"""

PARTICIPATIONS_SQL = """
INSERT INTO surveys_participation (round_id, employee_id, round_agency_id, asn_type, status,
                                   submitted_on, reminders_sent, last_reminded_on, invitation_email)
SELECT %(round)s, e.id, ra.id, e.asn_type,
       CASE WHEN e.rank <= c.online THEN 'SUBMITTED'
            WHEN e.rank <= c.online + c.started THEN 'STARTED' ELSE 'INVITED' END,
       CASE WHEN e.rank <= c.online THEN current_date END,
       CASE WHEN e.rank > c.online AND e.rank %% 3 = 0 THEN 1 ELSE 0 END,
       CASE WHEN e.rank > c.online AND e.rank %% 3 = 0 THEN current_date END, ''
FROM (SELECT id, agency_id, asn_type, row_number() OVER (PARTITION BY agency_id ORDER BY id) AS rank
      FROM berakhlak_employee WHERE agency_id = ANY(%(agencies)s::bigint[])) AS e
JOIN evaluations_roundagency ra ON ra.round_id = %(round)s AND ra.agency_id = e.agency_id
JOIN unnest(%(agencies)s::bigint[], %(online)s::int[], %(started)s::int[])
     AS c(agency_id, online, started) ON c.agency_id = e.agency_id
"""

# One response per online submission (same agency and ASN type: what the board and the indices
# count), plus the paper answers. Scores scatter around an agency profile; Adaptif runs weaker.
RESPONSES_SQL = """
INSERT INTO surveys_response (id, round_id, round_agency_id, asn_type, source, answers,
    score_bp, score_ak, score_ko, score_ha, score_lo, score_ad, score_kl,
    current_values, personal_values, desired_values)
SELECT md5(%(round)s::text || '-' || src.source || '-' || src.n::text)::uuid, %(round)s,
       src.round_agency_id, src.asn_type, src.source, '{}'::jsonb,
       least(100, greatest(0, src.shift + 62 + (random() - 0.5) * 50)),
       least(100, greatest(0, src.shift + 70 + (random() - 0.5) * 45)),
       least(100, greatest(0, src.shift + 60 + (random() - 0.5) * 50)),
       least(100, greatest(0, src.shift + 66 + (random() - 0.5) * 45)),
       least(100, greatest(0, src.shift + 68 + (random() - 0.5) * 45)),
       least(100, greatest(0, src.shift + 45 + (random() - 0.5) * 50)),
       least(100, greatest(0, src.shift + 55 + (random() - 0.5) * 50)),
       '', '', ''
FROM (
    SELECT p.round_agency_id, p.asn_type, 'WEB' AS source, p.id AS n,
           ((p.round_agency_id * 7919) %% 21) - 10 AS shift
    FROM surveys_participation p WHERE p.round_id = %(round)s AND p.status = 'SUBMITTED'
    UNION ALL
    SELECT ra.id, 'PNS', 'PAPER', ra.id * 100000 + k, ((ra.id * 7919) %% 21) - 10
    FROM evaluations_roundagency ra
    JOIN unnest(%(agencies)s::bigint[], %(paper)s::int[]) AS c(agency_id, paper)
         ON c.agency_id = ra.agency_id
    CROSS JOIN LATERAL generate_series(1, c.paper) AS k
    WHERE ra.round_id = %(round)s
) AS src
"""


def _replica(cursor, on: bool) -> bool:
    from django.db import DatabaseError

    try:
        cursor.execute(f"SET session_replication_role = {'replica' if on else 'DEFAULT'}")
    except DatabaseError:
        return False
    return True


def roster_seed(tree: Tree, round, first_number: int) -> int:
    """Employees, the round's participations and responses of one tree; returns the next number."""
    from django.db import connection

    from berakhlak.models import Agency
    from evaluations.models import RoundAgency
    from surveys import sums

    ids = dict(Agency.objects.filter(code__in=[r[0] for r in tree.rows]).values_list("code", "pk"))
    agencies = [ids[r[0]] for r in tree.rows]
    rosters = [r[4] for r in tree.rows]
    offsets, total = [], first_number
    for roster in rosters:
        offsets.append(total)
        total += roster
    prefix = "19800101"
    steps: list[tuple[str, float]] = []

    def step(name: str, sql: str, params) -> None:
        started = time.perf_counter()
        cursor.execute(sql, params)
        steps.append((name, time.perf_counter() - started))

    with connection.cursor() as cursor:
        # Foreign keys are checked by one trigger per row (Django's are deferrable); the rows
        # below take their ids from the rows they point to, so the checks are skipped while
        # seeding when the role may (a superuser): that is most of the seeding time otherwise.
        skip_triggers = _replica(cursor, True)
        step("users", USERS_SQL, {"prefix": prefix, "first": first_number + 1, "last": total})
        step(
            "employees",
            EMPLOYEES_SQL,
            {"prefix": prefix, "agencies": agencies, "rosters": rosters, "offsets": offsets},
        )
        # What round_snapshot_agencies writes when the roster exists at opening.
        step(
            "roster counts",
            "UPDATE evaluations_roundagency ra SET roster_count = c.roster FROM "
            "unnest(%s::bigint[], %s::int[]) AS c(agency_id, roster) "
            "WHERE ra.round_id = %s AND ra.agency_id = c.agency_id",
            [agencies, rosters, round.pk],
        )
        step(
            "participations",
            PARTICIPATIONS_SQL,
            {
                "round": round.pk,
                "agencies": agencies,
                "online": [r[5] for r in tree.rows],
                "started": [r[6] for r in tree.rows],
            },
        )
        step(
            "responses",
            RESPONSES_SQL,
            {"round": round.pk, "agencies": agencies, "paper": [r[7] for r in tree.rows]},
        )
        # The cell sums' triggers do not fire while the role skips triggers (surveys.sums).
        started = time.perf_counter()
        sums.rebuild(round.pk)
        steps.append(("cell sums", time.perf_counter() - started))
        if skip_triggers:
            _replica(cursor, False)
        for table in (
            "berakhlak_user",
            "berakhlak_employee",
            "surveys_participation",
            "surveys_response",
            "evaluations_roundagency",
        ):
            step(f"analyze {table}", f"ANALYZE {table}", [])
    assert RoundAgency.objects.filter(round=round).count() == tree.agencies
    print("  seeding steps: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in steps))
    return total


def dataset_seed() -> dict:
    """Both trees with rosters, answers and a computed run each (the real compute)."""
    from evaluations.models import RoundStatus
    from evaluations.services import round_transition
    from reports.models import IndexRun
    from reports.services.compute import index_compute_now
    from surveys.models import Participation, Response

    rng = random.Random(SEED)
    admin = _admin()
    number = 0
    result = {"admin": admin}
    for key, tree, close in (
        ("three", tree_three_level(rng), False),
        ("flat", tree_flat(rng), True),
    ):
        started = time.perf_counter()
        root = _agencies_create(tree)
        round = _round_open(root, admin, f"Bench halaman ({tree.label})")
        number = roster_seed(tree, round, number)
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        if close:
            # Closing queues the final compute (reports.services.compute.compute_on_close); the
            # bench's settings run Celery tasks eagerly, so it is computed here, by that path.
            round = round_transition(round=round, to=RoundStatus.CLOSED, by=admin)
            run = IndexRun.objects.latest_for(round, final=True)
            if run is None:
                run, _computed = index_compute_now(round=round)
            round.refresh_from_db()
            round = round_transition(round=round, to=RoundStatus.PUBLISHED, by=admin)
        else:
            run, _computed = index_compute_now(round=round)
        computed = time.perf_counter() - started
        invited = Participation.objects.filter(round=round).count()
        responses = Response.objects.filter(round=round).count()
        print(
            f"tree {tree.label}: {tree.agencies:,} agencies, {invited:,} invited, "
            f"{responses:,} responses; seeded in {seeded:.1f} s, computed in {computed:.1f} s "
            f"(run {run.pk}, {'provisional' if run.provisional else 'final'})"
        )
        result[key] = {"tree": tree, "round": round, "run": run}
    return result
