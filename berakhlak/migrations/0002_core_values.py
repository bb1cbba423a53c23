"""The seven BerAKHLAK core values and 21 behaviour guides, in both official wordings.

SE MenPANRB 20/2021 (``definition``/``text``) and UU 20/2023 (``definition_2023``/``text_2023``);
the texts are equal except where the law changed them.
"""

from django.db import migrations

# code, name, definition 2021, definition 2023, [(guide 2021, guide 2023 or None), ...]
VALUES = [
    ("BP", "Berorientasi Pelayanan", "Komitmen memberikan pelayanan prima demi kepuasan masyarakat", None, [
        ("Memahami dan memenuhi kebutuhan masyarakat", None),
        ("Ramah, cekatan, solutif, dan dapat diandalkan", None),
        ("Melakukan perbaikan tiada henti", None),
    ]),
    ("AK", "Akuntabel", "Bertanggung jawab atas kepercayaan yang diberikan", None, [
        ("Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin dan berintegritas tinggi", None),
        ("Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, dan efisien", None),
        ("Tidak menyalahgunakan kewenangan jabatan", None),
    ]),
    ("KO", "Kompeten", "Terus belajar dan mengembangkan kapabilitas", None, [
        ("Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah", None),
        ("Membantu orang lain belajar", None),
        ("Melaksanakan tugas dengan kualitas terbaik", None),
    ]),
    ("HA", "Harmonis", "Saling peduli dan menghargai perbedaan", None, [
        ("Menghargai setiap orang apapun latar belakangnya", "Menghargai setiap orang tanpa membedakan latar belakang"),
        ("Suka menolong orang lain", "Suka menolong"),
        ("Membangun lingkungan kerja yang kondusif", None),
    ]),
    ("LO", "Loyal", "Berdedikasi dan mengutamakan kepentingan Bangsa dan Negara",
     "Berdedikasi dan mengutamakan kepentingan bangsa dan negara", [
        ("Memegang teguh ideologi Pancasila, Undang-Undang Dasar Negara Republik Indonesia Tahun 1945, "
         "setia kepada Negara Kesatuan Republik Indonesia serta pemerintahan yang sah", None),
        ("Menjaga nama baik sesama ASN, Pimpinan, Instansi, dan Negara", "Menjaga nama baik ASN, instansi, dan negara"),
        ("Menjaga rahasia jabatan dan negara", None),
    ]),
    ("AD", "Adaptif", "Terus berinovasi dan antusias dalam menggerakkan ataupun menghadapi perubahan",
     "Terus berinovasi dan antusias dalam menggerakkan serta menghadapi perubahan", [
        ("Cepat menyesuaikan diri menghadapi perubahan", None),
        ("Terus berinovasi dan mengembangkan kreativitas", None),
        ("Bertindak proaktif", None),
    ]),
    ("KL", "Kolaboratif", "Membangun kerja sama yang sinergis", None, [
        ("Memberi kesempatan kepada berbagai pihak untuk berkontribusi", None),
        ("Terbuka dalam bekerja sama untuk menghasilkan nilai tambah", None),
        ("Menggerakkan pemanfaatan berbagai sumber daya untuk tujuan bersama", None),
    ]),
]  # fmt: skip


def load(apps, schema_editor):
    CoreValue = apps.get_model("berakhlak", "CoreValue")
    BehaviourGuide = apps.get_model("berakhlak", "BehaviourGuide")
    for order, (code, name, definition, definition_2023, guides) in enumerate(VALUES, start=1):
        value, _ = CoreValue.objects.update_or_create(
            code=code,
            defaults={
                "order": order,
                "name": name,
                "definition": definition,
                "definition_2023": definition_2023 or definition,
            },
        )
        for number, (text, text_2023) in enumerate(guides, start=1):
            BehaviourGuide.objects.update_or_create(
                code=f"{code}{number}",
                defaults={"value": value, "order": number, "text": text, "text_2023": text_2023 or text},
            )


def unload(apps, schema_editor):
    apps.get_model("berakhlak", "BehaviourGuide").objects.all().delete()
    apps.get_model("berakhlak", "CoreValue").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("berakhlak", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
