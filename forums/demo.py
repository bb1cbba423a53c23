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
    CheckinMethod,
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


def _post(thread: Thread, author: User, body: str, at: dt.datetime) -> Post:
    """A post written at `at` (demo history); marked notified so no e-mail ever goes out for it."""
    post = Post.objects.create(
        thread=thread, author=author, body=body, body_html=render_markdown(body), notified_at=at
    )
    Post.objects.filter(pk=post.pk).update(created_at=at)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=at)
    if thread.posts.count() == 1:
        Thread.objects.filter(pk=thread.pk).update(created_at=at)
    return post


@demo_step("forum")
@transaction.atomic
def seed_demo_forum(**_kwargs) -> list[str]:
    root = Agency.objects.filter(code=ROOT_CODE).first()
    if root is None or Forum.objects.filter(slug=SLUG).exists():
        return ["forum FOSKO SI DARA sudah ada" if root else "belum ada provinsi demo"]
    forum = Forum.objects.create(
        name="FOSKO SI DARA",
        slug=SLUG,
        root=root,
        description="Forum Koordinasi dan Konsultasi Budaya Kerja Pemerintah Provinsi Kalimantan Selatan.",
    )
    consult = Category.objects.create(
        forum=forum, kind=CategoryKind.CONSULTATION, name="Konsultasi", order=1
    )
    practice = Category.objects.create(
        forum=forum, kind=CategoryKind.GOOD_PRACTICE, name="Berbagi Praktik Baik", order=2
    )
    news = Category.objects.create(
        forum=forum,
        kind=CategoryKind.ANNOUNCEMENT,
        name="Pengumuman",
        order=3,
        members_may_post=False,
    )
    agent_nip = ACCOUNTS.get("agent")
    members = []
    for grant in RoleGrant.objects.filter(role=Role.CHANGE_AGENT).select_related(
        "user__employee__agency", "agency"
    ):
        employee = getattr(grant.user, "employee", None)
        if employee is None or Membership.objects.filter(forum=forum, employee=employee).exists():
            continue
        members.append(
            Membership.objects.create(
                forum=forum,
                employee=employee,
                agency=grant.agency,
                sk_number="061/0421/ORG/2024",
                sk_date=dt.date(2024, 9, 2),
                active_from=dt.date(2024, 9, 2),
                role_model=employee.nip == agent_nip,
                moderator=employee.nip == agent_nip,
            )
        )
    rng = random.Random(2024)
    for day, title in (
        (dt.date(2024, 10, 10), "Pelatihan Agen Perubahan Angkatan I"),
        (dt.date(2024, 10, 22), "Pelatihan Agen Perubahan Angkatan II"),
    ):
        event = Event.objects.create(
            forum=forum,
            kind=EventKind.TRAINING,
            title=title,
            place="Aula Gawi Sabarataan, Banjarbaru",
            starts_at=_at(day, 8),
            ends_at=_at(day, 16),
            capacity=60,
            description="Penguatan peran agen perubahan dalam internalisasi BerAKHLAK.",
            minutes="- Pemaparan kebijakan budaya kerja\n- Praktik menyusun rencana aksi\n- Tanya jawab",
        )
        registered = rng.sample(members, min(len(members), 20))
        demo_agent = next((m for m in members if m.employee.nip == agent_nip), None)
        if demo_agent and demo_agent not in registered and title.endswith(" I"):
            registered[-1] = demo_agent  # the demo agent attended: attach it as LKE evidence
        for number, membership in enumerate(registered):
            if number < 2:  # registered, did not come
                Registration.objects.create(event=event, employee=membership.employee)
                continue
            Registration.objects.create(
                event=event,
                employee=membership.employee,
                attended_at=_at(day, 8) + dt.timedelta(minutes=rng.randint(0, 50)),
                checkin_method=rng.choice([CheckinMethod.QR, CheckinMethod.QR, CheckinMethod.CODE]),
            )
    soon = timezone.localdate() + dt.timedelta(days=14)
    Event.objects.create(
        forum=forum,
        kind=EventKind.COORDINATION,
        title="Rapat Koordinasi Rencana Aksi Budaya Kerja",
        place="Ruang Rapat Biro Organisasi",
        starts_at=_at(soon, 9),
        ends_at=_at(soon, 12),
        description="Membahas hasil evaluasi dan rencana aksi tiap unit.",
    )
    admin = User.objects.filter(username=ACCOUNTS.get("admin")).first()
    agent = User.objects.filter(username=agent_nip).first()
    others = [m.employee for m in members if m.employee.nip != agent_nip]
    threads = 0
    if admin:
        thread = Thread.objects.create(
            forum=forum, category=news, title="Jadwal evaluasi budaya kerja tahun ini", author=admin
        )
        _post(
            thread,
            admin,
            "Survei individu dan unggah bukti dukung LKE dibuka sesuai jadwal putaran. Mohon agen perubahan **mengingatkan pegawai** di unitnya.",
            timezone.now() - dt.timedelta(days=20),
        )
        threads += 1
    if agent and len(others) >= 3:
        asker, second, third = (e.user for e in others[:3])
        thread = Thread.objects.create(
            forum=forum,
            category=consult,
            title="Bukti dukung untuk kriteria rencana aksi?",
            author=asker,
        )
        _post(
            thread,
            asker,
            "Apa saja bukti yang diterima evaluator untuk kriteria **rencana aksi tahunan**?",
            _at(dt.date(2024, 10, 23), 9),
        )
        answer = _post(
            thread,
            agent,
            "Unggah dokumen rencana aksi yang **sudah ditetapkan** pimpinan beserta SK-nya, dan laporan pemantauannya.",
            _at(dt.date(2024, 10, 23), 10),
        )
        _post(
            thread,
            second,
            "Di unit kami juga melampirkan notulen rapat penetapan.",
            _at(dt.date(2024, 10, 23), 14),
        )
        thread.accepted_post = answer
        thread.save(update_fields=["accepted_post"])
        thread = Thread.objects.create(
            forum=forum,
            category=consult,
            title="Daftar hadir pelatihan sebagai bukti internalisasi?",
            author=third,
        )
        _post(
            thread,
            third,
            "Apakah daftar hadir Pelatihan Agen Perubahan boleh dilampirkan untuk kriteria **sosialisasi**?",
            _at(dt.date(2024, 10, 24), 8),
        )
        _post(
            thread,
            agent,
            f'Boleh; buka kegiatannya lalu "Lampirkan". @{others[1].nip} sudah mencobanya juga.',
            _at(dt.date(2024, 10, 24), 9),
        )
        thread = Thread.objects.create(
            forum=forum,
            category=practice,
            title="Apel pagi dengan satu nilai BerAKHLAK tiap hari",
            author=agent,
        )
        _post(
            thread,
            agent,
            "Setiap Senin sampai Jumat satu pegawai membagikan contoh perilaku satu nilai dasar dalam 3 menit.",
            _at(dt.date(2024, 11, 4), 7),
        )
        threads += 3
    values = {v.code: v for v in CoreValue.objects.all()}
    library = (
        ("Layanan tanpa antre dengan reservasi daring", "Reservasi layanan melalui aplikasi mengurangi antrean hingga 60%.", ("BP", "AD"), "DINKES"),
        ("Pojok integritas dan laporan kinerja terbuka", "Laporan capaian kinerja dipajang tiap bulan di ruang layanan.", ("AK",), "INSPEKTORAT"),
        ("Mentoring lintas bidang", "Pegawai senior mendampingi pegawai baru selama tiga bulan.", ("KO", "KL"), "BKD"),
        ("Jumat berbagi dan senam bersama", "Setiap Jumat pegawai lintas bidang berolahraga dan berbagi bantuan untuk rekan yang tertimpa musibah.", ("HA",), "DISHUB"),
        ("Upacara dan ikrar menjaga rahasia jabatan", "Ikrar dibacakan tiap upacara bulanan; pelanggaran ditindaklanjuti pimpinan.", ("LO",), "BKD"),
    )  # fmt: skip
    for title, body, codes, agency_code in library:
        agency = Agency.objects.filter(code=agency_code).first() or root
        item = Practice.objects.create(
            forum=forum,
            title=title,
            body=body,
            body_html=render_markdown(body),
            agency=agency,
            created_by=admin or agent,
        )
        item.values.set([values[c] for c in codes if c in values])
    return [
        f"forum FOSKO SI DARA: {len(members)} anggota, 3 kegiatan, {threads} utas, {len(library)} praktik baik"
    ]
