"""The three default instruments, version 1: behaviour (21 items), values selection, engagement.

`load` is idempotent and importable, so tests whose transactions flush the tables can reload it.
"""

from django.db import migrations

SCALE_6 = [
    "Sangat tidak sesuai",
    "Tidak sesuai",
    "Agak tidak sesuai",
    "Agak sesuai",
    "Sesuai",
    "Sangat sesuai",
]

# One observable, first-person statement per behaviour guide (item code = guide code).
BEHAVIOUR = [
    ("BP1", "Saya mencari tahu apa yang sebenarnya dibutuhkan masyarakat atau pengguna layanan sebelum melayani mereka."),
    ("BP2", "Saya melayani dengan ramah dan cepat, dan memberi jalan keluar yang dapat diandalkan."),
    ("BP3", "Saya menindaklanjuti keluhan atau masukan untuk memperbaiki cara kerja layanan kami."),
    ("AK1", "Saya menyelesaikan tugas dengan jujur, cermat, dan tepat waktu tanpa perlu diawasi."),
    ("AK2", "Saya menggunakan anggaran, peralatan, dan fasilitas kantor hanya untuk kepentingan dinas dan secara hemat."),
    ("AK3", "Saya menolak memakai jabatan atau kewenangan untuk keuntungan pribadi, keluarga, atau kelompok."),
    ("KO1", "Saya aktif mempelajari pengetahuan dan keterampilan baru yang dibutuhkan pekerjaan saya."),
    ("KO2", "Saya berbagi pengetahuan dan membimbing rekan kerja yang sedang belajar."),
    ("KO3", "Saya memeriksa kembali hasil kerja saya agar memenuhi standar mutu terbaik."),
    ("HA1", "Saya memperlakukan setiap rekan kerja dan warga dengan hormat, apa pun suku, agama, golongan, atau jabatannya."),
    ("HA2", "Saya menawarkan bantuan ketika melihat rekan kerja kesulitan, meskipun bukan tugas saya."),
    ("HA3", "Saya ikut menjaga suasana kerja yang tenang, saling percaya, dan bebas dari konflik yang tidak perlu."),
    ("LO1", "Saya menjalankan tugas sesuai Pancasila, UUD 1945, dan kebijakan pemerintah yang sah."),
    ("LO2", "Saya menjaga nama baik rekan ASN, pimpinan, dan instansi, termasuk di media sosial."),
    ("LO3", "Saya menjaga kerahasiaan data dan informasi jabatan yang tidak boleh dibuka kepada pihak lain."),
    ("AD1", "Saya cepat menyesuaikan cara kerja ketika ada aturan, sistem, atau teknologi baru."),
    ("AD2", "Saya mengusulkan atau mencoba cara baru agar pekerjaan lebih mudah, cepat, atau murah."),
    ("AD3", "Saya bertindak lebih dulu untuk mencegah masalah tanpa menunggu perintah."),
    ("KL1", "Saya memberi kesempatan kepada rekan dan pihak lain untuk menyampaikan gagasan dan ikut berperan."),
    ("KL2", "Saya terbuka bekerja sama dengan unit atau instansi lain untuk menghasilkan nilai tambah."),
    ("KL3", "Saya menggerakkan pemanfaatan sumber daya bersama (data, sarana, keahlian) untuk tujuan bersama."),
]  # fmt: skip

# Values-selection options: (code, text, value code or None for a limiting behaviour).
OPTIONS = [
    ("BP-RAMAH", "Ramah", "BP"), ("BP-CEKATAN", "Cekatan", "BP"), ("BP-SOLUTIF", "Solutif", "BP"),
    ("BP-PEDULI", "Peduli kebutuhan pengguna layanan", "BP"), ("BP-PERBAIKAN", "Perbaikan berkelanjutan", "BP"),
    ("AK-JUJUR", "Jujur", "AK"), ("AK-TANGGUNGJAWAB", "Bertanggung jawab", "AK"), ("AK-DISIPLIN", "Disiplin", "AK"),
    ("AK-INTEGRITAS", "Berintegritas", "AK"), ("AK-HEMAT", "Hemat dan efisien", "AK"),
    ("KO-BELAJAR", "Terus belajar", "KO"), ("KO-PROFESIONAL", "Profesional", "KO"), ("KO-MUTU", "Mengutamakan mutu", "KO"),
    ("KO-BERBAGI-ILMU", "Berbagi ilmu", "KO"),
    ("HA-SALING-HORMAT", "Saling menghormati", "HA"), ("HA-TOLONG", "Suka menolong", "HA"), ("HA-TOLERAN", "Toleran", "HA"),
    ("HA-KEKELUARGAAN", "Kekeluargaan", "HA"), ("HA-KONDUSIF", "Lingkungan kerja kondusif", "HA"),
    ("LO-DEDIKASI", "Berdedikasi", "LO"), ("LO-NASIONALISME", "Cinta tanah air", "LO"), ("LO-JAGA-NAMA", "Menjaga nama baik instansi", "LO"),
    ("LO-RAHASIA", "Menjaga rahasia jabatan", "LO"),
    ("AD-INOVATIF", "Inovatif", "AD"), ("AD-KREATIF", "Kreatif", "AD"), ("AD-PROAKTIF", "Proaktif", "AD"),
    ("AD-TERBUKA", "Terbuka terhadap perubahan", "AD"), ("AD-MELEK-DIGITAL", "Melek digital", "AD"),
    ("KL-KERJA-SAMA", "Kerja sama tim", "KL"), ("KL-SINERGI", "Sinergi antarunit", "KL"), ("KL-TERBUKA", "Keterbukaan", "KL"),
    ("KL-BERBAGI", "Berbagi sumber daya", "KL"), ("KL-MELIBATKAN", "Melibatkan berbagai pihak", "KL"),
    ("LIM-SALAHKAN", "Saling menyalahkan", None), ("LIM-BIROKRASI", "Birokrasi berbelit", None),
    ("LIM-EGO-SEKTORAL", "Ego sektoral", None), ("LIM-ABS", "Asal bapak senang", None),
    ("LIM-TAKUT-SALAH", "Takut mengambil keputusan", None), ("LIM-GOSIP", "Bergunjing", None),
    ("LIM-LAMBAT", "Lamban", None), ("LIM-PILIH-KASIH", "Pilih kasih", None),
    ("LIM-KONTROL", "Pengawasan berlebihan", None), ("LIM-ZONA-NYAMAN", "Bertahan di zona nyaman", None),
]  # fmt: skip

ENGAGEMENT = [
    ("EE1", "Saya bangga bekerja di instansi ini."),
    ("EE2", "Saya bersemangat ketika berangkat bekerja."),
    ("EE3", "Saya tahu dengan jelas apa yang diharapkan dari pekerjaan saya."),
    ("EE4", "Saya memiliki sarana dan informasi yang saya perlukan untuk bekerja dengan baik."),
    ("EE5", "Atasan saya peduli pada saya sebagai pribadi."),
    (
        "EE6",
        "Dalam sebulan terakhir, saya mendapat pengakuan atau pujian atas pekerjaan yang baik.",
    ),
    ("EE7", "Pendapat saya didengar dan diperhitungkan di tempat kerja."),
    ("EE8", "Saya akan merekomendasikan instansi ini sebagai tempat kerja kepada orang lain."),
]


def load(apps, schema_editor):
    CoreValue = apps.get_model("berakhlak", "CoreValue")
    BehaviourGuide = apps.get_model("berakhlak", "BehaviourGuide")
    Instrument = apps.get_model("surveys", "Instrument")
    Item = apps.get_model("surveys", "Item")
    Option = apps.get_model("surveys", "Option")
    values = {v.code: v for v in CoreValue.objects.all()}
    guides = {g.code: g for g in BehaviourGuide.objects.all()}

    behaviour, created = Instrument.objects.get_or_create(
        code="perilaku-berakhlak",
        version=1,
        defaults={
            "name": "Perilaku BerAKHLAK",
            "description": "21 pernyataan perilaku, satu untuk setiap panduan perilaku BerAKHLAK. "
            "Jawablah sesuai dengan yang Anda lakukan sehari-hari, bukan yang seharusnya.",
            "kind": "BEHAVIOUR",
            "scale_points": 6,
            "scale_labels": SCALE_6,
        },
    )
    if created:
        for order, (code, text) in enumerate(BEHAVIOUR, start=1):
            guide = guides[code]
            Item.objects.create(
                instrument=behaviour,
                code=code,
                order=order,
                text=text,
                value=values[code[:2]],
                guide=guide,
            )

    selection, created = Instrument.objects.get_or_create(
        code="pemilihan-nilai",
        version=1,
        defaults={
            "name": "Pemilihan Nilai Budaya Kerja",
            "description": "Gaya Indeks BerAKHLAK nasional: pilih tepat 10 nilai atau perilaku untuk diri "
            "Anda, untuk budaya kerja unit saat ini, dan untuk budaya kerja yang Anda harapkan.",
            "kind": "VALUES_SELECTION",
            "pick_count": 10,
        },
    )
    if created:
        for order, (code, text, value_code) in enumerate(OPTIONS, start=1):
            Option.objects.create(
                instrument=selection,
                code=code,
                order=order,
                text=text,
                value=values.get(value_code) if value_code else None,
                limiting=value_code is None,
            )

    engagement, created = Instrument.objects.get_or_create(
        code="keterikatan-pegawai",
        version=1,
        defaults={
            "name": "Keterikatan Pegawai",
            "description": "Seberapa sesuai pernyataan berikut dengan keadaan Anda di tempat kerja?",
            "kind": "ENGAGEMENT",
            "scale_points": 6,
            "scale_labels": SCALE_6,
        },
    )
    if created:
        for order, (code, text) in enumerate(ENGAGEMENT, start=1):
            Item.objects.create(instrument=engagement, code=code, order=order, text=text)


def unload(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Instrument.objects.filter(
        code__in=["perilaku-berakhlak", "pemilihan-nilai", "keterikatan-pegawai"],
        version=1,
        frozen_at__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("berakhlak", "0002_core_values"),
        ("surveys", "0002_roundinstrument_instrument_reverse"),
    ]

    operations = [migrations.RunPython(load, unload)]
