"""Demo forum: FOSKO SI DARA of Kalimantan Selatan with its members, the two October 2024
trainings with attendance, an upcoming coordination meeting, threads and good practices."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from berakhlak.demo import DEMO_ACCOUNTS, ROOT_CODE, demo_step
from berakhlak.models import Agency, CoreValue, Role, RoleGrant, User
from forums.models import (
    Category,
    CategoryKind,
    Event,
    EventKind,
    Forum,
    Membership,
    Post,
    Practice,
    Registration,
    Thread,
)
from forums.services import render_markdown

SLUG = "fosko-si-dara"
ACCOUNTS = {account.key: account.nip for account in DEMO_ACCOUNTS}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _post(thread: Thread, author: User, body: str) -> Post:
    return Post.objects.create(
        thread=thread, author=author, body=body, body_html=render_markdown(body)
    )


@demo_step("forum")
@transaction.atomic
def seed_demo_forum(**_kwargs) -> list[str]:
    root = Agency.objects.filter(code=ROOT_CODE).first()
    if root is None or Forum.objects.filter(slug=SLUG).exists():
        return ["forum FOSKO SI DARA sudah ada" if root else "belum ada provinsi demo"]
    forum = Forum.objects.create(
        name="FOSKO SI DARA", slug=SLUG, root=root,
        description="Forum Koordinasi dan Konsultasi Budaya Kerja Pemerintah Provinsi Kalimantan Selatan.",
    )  # fmt: skip
    consult = Category.objects.create(forum=forum, kind=CategoryKind.CONSULTATION, name="Konsultasi", order=1)  # fmt: skip
    practice = Category.objects.create(forum=forum, kind=CategoryKind.GOOD_PRACTICE, name="Berbagi Praktik Baik", order=2)  # fmt: skip
    news = Category.objects.create(forum=forum, kind=CategoryKind.ANNOUNCEMENT, name="Pengumuman", order=3, members_may_post=False)  # fmt: skip
    agent_nip = ACCOUNTS.get("agent")
    members = []
    for grant in RoleGrant.objects.filter(role=Role.CHANGE_AGENT).select_related("user__employee__agency", "agency"):  # fmt: skip
        employee = getattr(grant.user, "employee", None)
        if employee is None or Membership.objects.filter(forum=forum, employee=employee).exists():
            continue
        members.append(Membership.objects.create(
            forum=forum, employee=employee, agency=grant.agency, sk_number="061/0421/ORG/2024",
            sk_date=dt.date(2024, 9, 2), active_from=dt.date(2024, 9, 2),
            role_model=employee.nip == agent_nip, moderator=employee.nip == agent_nip,
        ))  # fmt: skip
    rng = random.Random(2024)
    for day, title in ((dt.date(2024, 10, 10), "Pelatihan Agen Perubahan Angkatan I"),
                       (dt.date(2024, 10, 22), "Pelatihan Agen Perubahan Angkatan II")):  # fmt: skip
        event = Event.objects.create(
            forum=forum, kind=EventKind.TRAINING, title=title, place="Aula Gawi Sabarataan, Banjarbaru",
            starts_at=_at(day, 8), ends_at=_at(day, 16), capacity=60,
            description="Penguatan peran agen perubahan dalam internalisasi BerAKHLAK.",
            minutes="- Pemaparan kebijakan budaya kerja\n- Praktik menyusun rencana aksi\n- Tanya jawab",
        )  # fmt: skip
        for membership in rng.sample(members, min(len(members), 18)):
            Registration.objects.create(event=event, employee=membership.employee, attended_at=_at(day, 8) + dt.timedelta(minutes=rng.randint(0, 50)))  # fmt: skip
    soon = timezone.localdate() + dt.timedelta(days=14)
    Event.objects.create(
        forum=forum, kind=EventKind.COORDINATION, title="Rapat Koordinasi Rencana Aksi Budaya Kerja",
        place="Ruang Rapat Biro Organisasi", starts_at=_at(soon, 9), ends_at=_at(soon, 12),
        description="Membahas hasil evaluasi dan rencana aksi tiap unit.",
    )  # fmt: skip
    admin = User.objects.filter(username=ACCOUNTS.get("admin")).first()
    agent = User.objects.filter(username=agent_nip).first()
    others = [m.employee.user for m in members if m.employee.nip != agent_nip]
    if admin:
        thread = Thread.objects.create(forum=forum, category=news, title="Jadwal evaluasi budaya kerja tahun ini", author=admin)  # fmt: skip
        _post(thread, admin, "Survei individu dan unggah bukti dukung LKE dibuka sesuai jadwal putaran. Mohon agen perubahan **mengingatkan pegawai** di unitnya.")  # fmt: skip
    if agent and len(others) >= 2:
        thread = Thread.objects.create(forum=forum, category=consult, title="Bukti dukung untuk kriteria rencana aksi?", author=others[0])  # fmt: skip
        _post(
            thread,
            others[0],
            "Apa saja bukti yang diterima evaluator untuk kriteria **rencana aksi tahunan**?",
        )
        answer = _post(thread, agent, "Unggah dokumen rencana aksi yang **sudah ditetapkan** pimpinan beserta SK-nya, dan laporan pemantauannya.")  # fmt: skip
        _post(thread, others[1], "Di unit kami juga melampirkan notulen rapat penetapan.")
        thread.accepted_post = answer
        thread.save(update_fields=["accepted_post"])
        thread = Thread.objects.create(forum=forum, category=practice, title="Apel pagi dengan satu nilai BerAKHLAK tiap hari", author=agent)  # fmt: skip
        _post(thread, agent, "Setiap Senin sampai Jumat satu pegawai membagikan contoh perilaku satu nilai dasar dalam 3 menit.")  # fmt: skip
    values = {v.code: v for v in CoreValue.objects.all()}
    for title, body, code, agency_code in (
        ("Layanan tanpa antre dengan reservasi daring", "Reservasi layanan melalui aplikasi mengurangi antrean hingga 60%.", ("BP", "AD"), "DINKES"),
        ("Pojok integritas dan laporan kinerja terbuka", "Laporan capaian kinerja dipajang tiap bulan di ruang layanan.", ("AK",), "INSPEKTORAT"),
        ("Mentoring lintas bidang", "Pegawai senior mendampingi pegawai baru selama tiga bulan.", ("KO", "KL"), "BKD"),
    ):  # fmt: skip
        agency = Agency.objects.filter(code=agency_code).first() or root
        item = Practice.objects.create(forum=forum, title=title, body=body, body_html=render_markdown(body),
                                       agency=agency, created_by=admin or agent)  # fmt: skip
        item.values.set([values[c] for c in code if c in values])
    return [f"forum FOSKO SI DARA: {len(members)} anggota, 3 kegiatan, 3 utas, 3 praktik baik"]
