"""The stored wordings of the seven values' definitions and the 21 behaviour guides (migration
0002, both the SE 20/2021 and the UU 20/2023 wording), marked for the translation catalogue so
that an English interface shows them in English (`CoreValue.definition_for`,
`BehaviourGuide.text_for`). The names stay the official Indonesian ones in every language:
their initials spell BerAKHLAK, as the reports' figure codes do."""

from django.utils.translation import gettext_noop

TEXTS = (
    gettext_noop("Komitmen memberikan pelayanan prima demi kepuasan masyarakat"),
    gettext_noop("Bertanggung jawab atas kepercayaan yang diberikan"),
    gettext_noop("Terus belajar dan mengembangkan kapabilitas"),
    gettext_noop("Saling peduli dan menghargai perbedaan"),
    gettext_noop("Berdedikasi dan mengutamakan kepentingan Bangsa dan Negara"),
    gettext_noop("Berdedikasi dan mengutamakan kepentingan bangsa dan negara"),
    gettext_noop("Terus berinovasi dan antusias dalam menggerakkan ataupun menghadapi perubahan"),
    gettext_noop("Terus berinovasi dan antusias dalam menggerakkan serta menghadapi perubahan"),
    gettext_noop("Membangun kerja sama yang sinergis"),
    gettext_noop("Memahami dan memenuhi kebutuhan masyarakat"),
    gettext_noop("Ramah, cekatan, solutif, dan dapat diandalkan"),
    gettext_noop("Melakukan perbaikan tiada henti"),
    gettext_noop(
        "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, disiplin dan berintegritas "
        "tinggi"
    ),
    gettext_noop(
        "Menggunakan kekayaan dan barang milik negara secara bertanggung jawab, efektif, dan "
        "efisien"
    ),
    gettext_noop("Tidak menyalahgunakan kewenangan jabatan"),
    gettext_noop("Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu berubah"),
    gettext_noop("Membantu orang lain belajar"),
    gettext_noop("Melaksanakan tugas dengan kualitas terbaik"),
    gettext_noop("Menghargai setiap orang apapun latar belakangnya"),
    gettext_noop("Menghargai setiap orang tanpa membedakan latar belakang"),
    gettext_noop("Suka menolong orang lain"),
    gettext_noop("Suka menolong"),
    gettext_noop("Membangun lingkungan kerja yang kondusif"),
    gettext_noop(
        "Memegang teguh ideologi Pancasila, Undang-Undang Dasar Negara Republik Indonesia Tahun "
        "1945, setia kepada Negara Kesatuan Republik Indonesia serta pemerintahan yang sah"
    ),
    gettext_noop("Menjaga nama baik sesama ASN, Pimpinan, Instansi, dan Negara"),
    gettext_noop("Menjaga nama baik ASN, instansi, dan negara"),
    gettext_noop("Menjaga rahasia jabatan dan negara"),
    gettext_noop("Cepat menyesuaikan diri menghadapi perubahan"),
    gettext_noop("Terus berinovasi dan mengembangkan kreativitas"),
    gettext_noop("Bertindak proaktif"),
    gettext_noop("Memberi kesempatan kepada berbagai pihak untuk berkontribusi"),
    gettext_noop("Terbuka dalam bekerja sama untuk menghasilkan nilai tambah"),
    gettext_noop("Menggerakkan pemanfaatan berbagai sumber daya untuk tujuan bersama"),
)
