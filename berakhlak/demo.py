"""The demo province: a Kalimantan Selatan-like government with one login per role.

`demo_seed()` runs the registered steps in order; later features add their own (a demo round,
responses, forum posts) with `@demo_step`. Every step is idempotent and deterministic.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from berakhlak.models import Agency, AgencyKind, AsnType, Employee, Role, RoleGrant, User
from berakhlak.services import agency_paths_rebuild

DEMO_PASSWORD = "BerAKHLAK-Demo-2026"  # noqa: S105 - published demo credential
# The demo's second factor, published like the password: every demo account that needs one
# (admin, evaluator, leaders) has this authenticator secret and these recovery codes, made again by
# each seed. `manage.py demo_code` prints the current code.
DEMO_TOTP_KEY = b"BerAKHLAK-Demo-TOTP!".hex()  # 20 bytes, as django-otp makes them
DEMO_RECOVERY_CODES = ("demo0001", "demo0002", "demo0003", "demo0004", "demo0005")
ROOT_CODE = "KALSEL"
SEED = 20261122

K = AgencyKind
# code, name, kind, parent code, share of employees (relative weight)
AGENCIES: list[tuple[str, str, str, str | None, int]] = [
    (ROOT_CODE, "Pemerintah Provinsi Kalimantan Selatan", K.PROVINSI, None, 0),
    ("SETDA", "Sekretariat Daerah", K.SETDA, ROOT_CODE, 2),
    ("BIRO-PEM", "Biro Pemerintahan", K.BIRO, "SETDA", 1),
    ("BIRO-HUKUM", "Biro Hukum", K.BIRO, "SETDA", 1),
    ("BIRO-KESRA", "Biro Kesejahteraan Rakyat", K.BIRO, "SETDA", 1),
    ("BIRO-EKO", "Biro Perekonomian", K.BIRO, "SETDA", 1),
    ("BIRO-ADPEM", "Biro Administrasi Pembangunan", K.BIRO, "SETDA", 1),
    ("BIRO-PBJ", "Biro Pengadaan Barang dan Jasa", K.BIRO, "SETDA", 1),
    ("BIRO-ORG", "Biro Organisasi", K.BIRO, "SETDA", 1),
    ("BIRO-UMUM", "Biro Umum", K.BIRO, "SETDA", 2),
    ("BIRO-ADPIM", "Biro Administrasi Pimpinan", K.BIRO, "SETDA", 1),
    ("SETWAN", "Sekretariat DPRD", K.SETWAN, ROOT_CODE, 2),
    ("INSPEKTORAT", "Inspektorat", K.INSPEKTORAT, ROOT_CODE, 2),
    ("DISDIKBUD", "Dinas Pendidikan dan Kebudayaan", K.DINAS, ROOT_CODE, 10),
    ("SMAN1-BJM", "SMA Negeri 1 Banjarmasin", K.UNIT, "DISDIKBUD", 5),
    ("SMAN1-BJB", "SMA Negeri 1 Banjarbaru", K.UNIT, "DISDIKBUD", 5),
    ("SMKN2-BJM", "SMK Negeri 2 Banjarmasin", K.UNIT, "DISDIKBUD", 5),
    ("UPTD-TAMAN-BUDAYA", "UPTD Taman Budaya", K.UPTD, "DISDIKBUD", 1),
    ("DINKES", "Dinas Kesehatan", K.DINAS, ROOT_CODE, 4),
    ("UPTD-LABKES", "UPTD Balai Laboratorium Kesehatan", K.UPTD, "DINKES", 1),
    ("UPTD-BAPELKES", "UPTD Balai Pelatihan Kesehatan", K.UPTD, "DINKES", 1),
    ("PUPR", "Dinas Pekerjaan Umum dan Penataan Ruang", K.DINAS, ROOT_CODE, 4),
    ("UPTD-PENGUJIAN", "UPTD Balai Pengujian Material", K.UPTD, "PUPR", 1),
    ("DISPERKIM", "Dinas Perumahan Rakyat dan Kawasan Permukiman", K.DINAS, ROOT_CODE, 2),
    ("SATPOLPP", "Satuan Polisi Pamong Praja dan Pemadam Kebakaran", K.DINAS, ROOT_CODE, 3),
    ("DINSOS", "Dinas Sosial", K.DINAS, ROOT_CODE, 2),
    ("UPTD-PSBR", "UPTD Panti Sosial Bina Remaja Budi Satria", K.UPTD, "DINSOS", 1),
    ("DISNAKERTRANS", "Dinas Tenaga Kerja dan Transmigrasi", K.DINAS, ROOT_CODE, 2),
    ("DP3AP2KB", "Dinas Pemberdayaan Perempuan dan Perlindungan Anak, Pengendalian Penduduk dan Keluarga Berencana", K.DINAS, ROOT_CODE, 1),
    ("DKP", "Dinas Ketahanan Pangan", K.DINAS, ROOT_CODE, 1),
    ("DLH", "Dinas Lingkungan Hidup", K.DINAS, ROOT_CODE, 2),
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", K.DINAS, ROOT_CODE, 1),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", K.DINAS, ROOT_CODE, 1),
    ("DISHUB", "Dinas Perhubungan", K.DINAS, ROOT_CODE, 2),
    ("UPTD-PRASHUB", "UPTD Pengelolaan Prasarana Perhubungan", K.UPTD, "DISHUB", 1),
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", K.DINAS, ROOT_CODE, 2),
    ("DISKOPUKM", "Dinas Koperasi, Usaha Kecil dan Menengah", K.DINAS, ROOT_CODE, 1),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", K.DINAS, ROOT_CODE, 2),
    ("DISPORA", "Dinas Kepemudaan dan Olahraga", K.DINAS, ROOT_CODE, 1),
    ("DISPERSIP", "Dinas Perpustakaan dan Kearsipan", K.DINAS, ROOT_CODE, 1),
    ("DISLUTKAN", "Dinas Kelautan dan Perikanan", K.DINAS, ROOT_CODE, 2),
    ("UPTD-BBI", "UPTD Balai Benih Ikan", K.UPTD, "DISLUTKAN", 1),
    ("DISPAR", "Dinas Pariwisata", K.DINAS, ROOT_CODE, 1),
    ("DISTPH", "Dinas Tanaman Pangan dan Hortikultura", K.DINAS, ROOT_CODE, 2),
    ("DISBUNNAK", "Dinas Perkebunan dan Peternakan", K.DINAS, ROOT_CODE, 2),
    ("DISHUT", "Dinas Kehutanan", K.DINAS, ROOT_CODE, 3),
    ("UPTD-KPH-TALA", "UPTD KPH Tanah Laut", K.UPTD, "DISHUT", 1),
    ("UPTD-KPH-BANJAR", "UPTD KPH Banjar", K.UPTD, "DISHUT", 1),
    ("DESDM", "Dinas Energi dan Sumber Daya Mineral", K.DINAS, ROOT_CODE, 1),
    ("DISPERIN", "Dinas Perindustrian", K.DINAS, ROOT_CODE, 1),
    ("DISDAG", "Dinas Perdagangan", K.DINAS, ROOT_CODE, 1),
    ("BAPPEDA", "Badan Perencanaan Pembangunan Daerah", K.BADAN, ROOT_CODE, 2),
    ("BAKEUDA", "Badan Keuangan dan Aset Daerah", K.BADAN, ROOT_CODE, 2),
    ("BAPENDA", "Badan Pendapatan Daerah", K.BADAN, ROOT_CODE, 2),
    ("UPTD-SAMSAT-BJM", "UPTD PPRD Samsat Banjarmasin I", K.UPTD, "BAPENDA", 1),
    ("UPTD-SAMSAT-BJB", "UPTD PPRD Samsat Banjarbaru", K.UPTD, "BAPENDA", 1),
    ("UPTD-SAMSAT-MTP", "UPTD PPRD Samsat Martapura", K.UPTD, "BAPENDA", 1),
    ("BKD", "Badan Kepegawaian Daerah", K.BADAN, ROOT_CODE, 2),
    ("BPSDM", "Badan Pengembangan Sumber Daya Manusia", K.BADAN, ROOT_CODE, 1),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", K.BADAN, ROOT_CODE, 1),
    ("KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", K.BADAN, ROOT_CODE, 1),
    ("BRIDA", "Badan Riset dan Inovasi Daerah", K.BADAN, ROOT_CODE, 1),
    ("RSUD-ULIN", "RSUD Ulin Banjarmasin", K.RSUD, ROOT_CODE, 12),
    ("RSUD-ANSARI", "RSUD dr. H. Moch. Ansari Saleh", K.RSUD, ROOT_CODE, 6),
    ("RSJ-SL", "RSJ Sambang Lihum", K.RSUD, ROOT_CODE, 4),
    ("RSUD-BOEJASIN", "RSUD H. Boejasin Pelaihari", K.RSUD, ROOT_CODE, 4),
]  # fmt: skip

# Agencies left without a change agent, as happens in real life (the forum flags them).
WITHOUT_CHANGE_AGENT = {"DISPERSIP", "BPBD"}


@dataclass(frozen=True)
class DemoAccount:
    key: str
    role_label: str
    nip: str
    name: str
    position: str
    agency: str
    grants: tuple[tuple[str, str], ...]
    superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("admin", "Admin Biro Organisasi", "198001012006041001", "Hj. Noor Aida, S.Sos., M.AP",
                "Kepala Bagian Reformasi Birokrasi dan Akuntabilitas Kinerja", "BIRO-ORG",
                ((Role.ADMIN, ROOT_CODE),), superuser=True),
    DemoAccount("evaluator", "Evaluator", "198505152010012002", "Rina Apriyanti, S.E., M.M.",
                "Analis Kebijakan Ahli Muda", "BIRO-ORG",
                tuple((Role.EVALUATOR, c) for c in ("DINKES", "DISDIKBUD", "DISHUB", "RSUD-ULIN"))),
    DemoAccount("agent", "Agen perubahan (Dinas Kesehatan)", "199003102015032001", "dr. Siti Rahmah",
                "Administrator Kesehatan Ahli Muda", "DINKES", ((Role.CHANGE_AGENT, "DINKES"),)),
    DemoAccount("leader_province", "Pimpinan provinsi (Sekda)", "196812121994031005",
                "Drs. H. Muhammad Syarifuddin, M.Si.", "Sekretaris Daerah", "SETDA",
                ((Role.LEADER, ROOT_CODE),)),
    DemoAccount("leader_agency", "Pimpinan OPD (Kepala Dinas Kesehatan)", "197204201998031003",
                "dr. H. Ahmad Fauzi, M.Kes.", "Kepala Dinas Kesehatan", "DINKES",
                ((Role.LEADER, "DINKES"),)),
    DemoAccount("asn", "ASN (responden)", "199507072020122004", "Nurul Hidayah, A.Md.Kep.",
                "Perawat Terampil", "DINKES", ()),
]  # fmt: skip

FIRST_MALE = [
    "Muhammad",
    "Ahmad",
    "Rizky",
    "Fajar",
    "Hendra",
    "Agus",
    "Budi",
    "Rahmat",
    "Syahrul",
    "Akhmad",
    "Gusti",
    "Arif",
    "Taufik",
    "Yusuf",
    "Hasan",
    "Irfan",
    "Fauzan",
    "Zainal",
]
FIRST_FEMALE = [
    "Siti",
    "Noor",
    "Rahmah",
    "Fitriani",
    "Aulia",
    "Nurul",
    "Dewi",
    "Rina",
    "Mariana",
    "Herlina",
    "Yuliana",
    "Laila",
    "Nadia",
    "Salmah",
    "Rusdiana",
    "Wulan",
    "Khairunnisa",
]
LAST = [
    "Rahman",
    "Hidayat",
    "Maulana",
    "Saputra",
    "Anwar",
    "Noor",
    "Fadillah",
    "Rahmawati",
    "Hairani",
    "Ramadhani",
    "Yusran",
    "Mahmudah",
    "Syafrudin",
    "Arbain",
    "Baseri",
    "Jailani",
    "Hamidah",
    "Rosmawati",
    "Zulkifli",
    "Wahyuni",
    "Basuki",
    "Ilmi",
    "Fauziah",
    "Muthalib",
]
POSITIONS = [
    "Analis Kebijakan",
    "Pengelola Keuangan",
    "Penata Layanan Operasional",
    "Pranata Komputer",
    "Arsiparis",
    "Perencana",
    "Analis SDM Aparatur",
    "Pengadministrasi Perkantoran",
    "Auditor",
    "Pengawas Lingkungan Hidup",
    "Penyuluh Pertanian",
    "Pengelola Barang Milik Daerah",
]
POSITIONS_BY_KIND = {
    K.RSUD: [
        "Perawat",
        "Bidan",
        "Dokter",
        "Apoteker",
        "Perekam Medis",
        "Nutrisionis",
        "Radiografer",
    ],
    K.UNIT: [
        "Guru Mata Pelajaran",
        "Guru Bimbingan Konseling",
        "Pustakawan Sekolah",
        "Tenaga Administrasi Sekolah",
    ],
}
ASN_TYPES = (
    [AsnType.PNS] * 70 + [AsnType.PPPK] * 20 + [AsnType.CPNS] * 6 + [AsnType.PPPK_PARUH_WAKTU] * 4
)

DemoStep = Callable[..., list[str]]
STEPS: list[tuple[str, DemoStep]] = []


def demo_step(name: str):
    """Register a seed step; steps run in registration order and return lines to print."""

    def register(function: DemoStep) -> DemoStep:
        STEPS.append((name, function))
        return function

    return register


def demo_seed(*, employees: int = 2000, log: Callable[[str], None] = print) -> None:
    for name, step in STEPS:
        for line in step(employees=employees):
            log(f"[{name}] {line}")


@demo_step("unit kerja")
@transaction.atomic
def seed_agencies(**_kwargs) -> list[str]:
    existing = set(Agency.objects.values_list("code", flat=True))
    by_code = {a.code: a for a in Agency.objects.filter(code__in=[row[0] for row in AGENCIES])}
    created = 0
    for code, name, kind, parent, _weight in AGENCIES:
        if code in existing:
            continue
        by_code[code] = Agency.objects.create(
            code=code, name=name, kind=kind, parent=by_code.get(parent)
        )
        created += 1
    if created:
        agency_paths_rebuild()
    return [f"{created} unit dibuat, {len(AGENCIES) - created} sudah ada"]


def _nip(rng: random.Random, asn_type: str, used: set[str]) -> str:
    while True:
        born_year = rng.randint(1966, 2000)
        born = f"{born_year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        if asn_type == AsnType.CPNS:
            tmt = 2024
        elif asn_type in (AsnType.PPPK, AsnType.PPPK_PARUH_WAKTU):
            tmt = rng.randint(2021, 2025)
        else:
            tmt = rng.randint(min(born_year + 22, 2020), min(born_year + 35, 2021))
        nip = f"{born}{tmt}{rng.randint(1, 12):02d}{rng.choice('12')}{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip


def _name(rng: random.Random, nip: str) -> str:
    first = rng.choice(FIRST_MALE if nip[14] == "1" else FIRST_FEMALE)
    return f"{first} {rng.choice(LAST)}"


@demo_step("pegawai")
@transaction.atomic
def seed_employees(*, employees: int = 2000, **_kwargs) -> list[str]:
    reserved = {account.nip for account in DEMO_ACCOUNTS}
    present = Employee.objects.exclude(nip__in=reserved).count()
    if present >= employees:
        return [f"{present} pegawai sudah ada"]
    rng = random.Random(SEED + present)
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[row[0] for row in AGENCIES])}
    staffed = [(agencies[code], weight) for code, _n, _k, _p, weight in AGENCIES if weight]
    used = set(Employee.objects.values_list("nip", flat=True)) | reserved
    password = make_password(DEMO_PASSWORD)
    planned = []
    for _ in range(employees - present):
        agency = rng.choices([a for a, _w in staffed], weights=[w for _a, w in staffed])[0]
        asn_type = rng.choice(ASN_TYPES)
        nip = _nip(rng, asn_type, used)
        position = rng.choice(POSITIONS_BY_KIND.get(agency.kind, POSITIONS))
        planned.append((nip, _name(rng, nip), asn_type, position, agency))
    users = User.objects.bulk_create(
        [User(username=nip, password=password) for nip, *_rest in planned], batch_size=1000
    )
    Employee.objects.bulk_create(
        [
            Employee(
                user=user,
                nip=nip,
                name=name,
                asn_type=asn_type,
                position=position,
                agency=agency,
                email=f"{nip}@pegawai.kalselprov.example",
            )
            for user, (nip, name, asn_type, position, agency) in zip(users, planned, strict=True)
        ],
        batch_size=1000,
    )
    return [f"{len(planned)} pegawai dibuat (total {present + len(planned)})"]


@demo_step("akun demo")
@transaction.atomic
def seed_demo_accounts(**_kwargs) -> list[str]:
    agencies = {a.code: a for a in Agency.objects.all()}
    admin_user = None
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.nip)
        user.set_password(DEMO_PASSWORD)
        user.must_change_password = False
        user.is_staff = user.is_superuser = account.superuser
        user.save()
        Employee.objects.update_or_create(
            nip=account.nip,
            defaults={
                "user": user,
                "name": account.name,
                "position": account.position,
                "agency": agencies[account.agency],
                "asn_type": AsnType.PNS,
                "active": True,
                "email": f"{account.key}@demo.kalselprov.example",
            },
        )
        if account.superuser:
            admin_user = user
        for role, code in account.grants:
            RoleGrant.objects.get_or_create(
                user=user, role=role, agency=agencies[code], defaults={"granted_by": admin_user}
            )
    return [f"{len(DEMO_ACCOUNTS)} akun demo siap"]


@demo_step("verifikasi dua langkah")
@transaction.atomic
def seed_demo_second_factor(**_kwargs) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from berakhlak.permissions import requires_second_factor
    from berakhlak.second_factor import RECOVERY_NAME, TOTP_NAME, recovery_codes_store

    enrolled = 0
    for user in User.objects.filter(username__in=[a.nip for a in DEMO_ACCOUNTS]):
        if not requires_second_factor(user):
            continue
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=DEMO_TOTP_KEY, confirmed=True)
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
        recovery_codes_store(device, DEMO_RECOVERY_CODES)
        enrolled += 1
    return [f"{enrolled} akun demo memakai aplikasi autentikator demo"]


def demo_totp_code() -> str:
    """The current code of the demo authenticator (what the app would show now)."""
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(DEMO_TOTP_KEY)).token():06d}"


def demo_totp_secret() -> str:
    from base64 import b32encode

    return b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def demo_admin() -> User | None:
    """The demo's Biro admin (the first demo account), who acts in the demo steps."""
    return User.objects.filter(username=DEMO_ACCOUNTS[0].nip).first()


@demo_step("agen perubahan")
@transaction.atomic
def seed_change_agents(**_kwargs) -> list[str]:
    """One change agent for most OPD (the first employee by NIP), so the forum has members."""
    granted = 0
    admin = demo_admin()
    opd = Agency.objects.filter(parent__code=ROOT_CODE).exclude(code__in=WITHOUT_CHANGE_AGENT)
    has_agent = set(
        RoleGrant.objects.filter(role=Role.CHANGE_AGENT, agency__in=opd).values_list(
            "agency_id", flat=True
        )
    )
    for agency in opd.exclude(pk__in=has_agent):
        employee = Employee.objects.filter(agency=agency, active=True).order_by("nip").first()
        if employee:
            RoleGrant.objects.create(
                user_id=employee.user_id, role=Role.CHANGE_AGENT, agency=agency, granted_by=admin
            )
            granted += 1
    return [f"{granted} agen perubahan ditetapkan"]


def demo_logins() -> list[DemoAccount]:
    return list(DEMO_ACCOUNTS)
