"""The default LKE worksheet: the seven components of docs/ARCHITECTURE.md §6, weights summing to 100.

Data, not UI text: a round's worksheet is its own copy and the admin may adjust it before the
evidence window opens.
"""

from __future__ import annotations

from decimal import Decimal

from evaluations.models import AnswerKind as K

# (component, description, [(question, guidance, evidence asked, answer kind, weight)])
DEFAULT_WORKSHEET: list[tuple[str, str, list[tuple[str, str, str, str, int]]]] = [
    (
        "Agenda perubahan",
        "Roadmap, rencana aksi dan tim budaya kerja BerAKHLAK.",
        [
            ("Instansi telah menetapkan roadmap penguatan budaya kerja BerAKHLAK.",
             "Ya bila roadmap ditetapkan pimpinan (SK/keputusan) dan memuat tahapan beberapa tahun.",
             "SK penetapan roadmap dan dokumen roadmap.", K.YA_TIDAK, 5),
            ("Instansi telah menyusun rencana aksi tahunan budaya kerja dengan target dan penanggung jawab.",
             "A: rencana aksi lengkap (kegiatan, target, waktu, penanggung jawab) dan ditetapkan; "
             "B: lengkap tetapi belum ditetapkan; C: sebagian unsur; D: hanya daftar kegiatan; E: tidak ada.",
             "Dokumen rencana aksi tahun berjalan beserta pengesahannya.", K.A_E, 5),
            ("Instansi telah membentuk tim budaya kerja dan menetapkan agen perubahan.",
             "Ya bila ada SK tim/agen perubahan yang berlaku pada tahun penilaian.",
             "SK tim budaya kerja dan SK agen perubahan.", K.YA_TIDAK, 5),
        ],
    ),
    (
        "Pengukuran baseline",
        "Indeks BerAKHLAK, keterikatan pegawai (employee engagement) dan employer branding.",
        [
            ("Instansi telah mengukur Indeks BerAKHLAK sebagai data dasar.",
             "A: diukur dan hasilnya dianalisis; B: diukur tanpa analisis; C: belum diukur.",
             "Laporan hasil pengukuran dan analisisnya.", K.ABC, 5),
            ("Instansi telah mengukur keterikatan pegawai (employee engagement).",
             "A: diukur dan ditindaklanjuti; B: diukur saja; C: belum diukur.",
             "Laporan survei keterikatan pegawai.", K.ABC, 5),
            ("Instansi telah menerapkan employer branding \u201cBangga Melayani Bangsa\u201d.",
             "A: diterapkan di seluruh kanal dan layanan; B: sebagian besar; C: sebagian; "
             "D: baru direncanakan; E: belum ada.",
             "Tangkapan layar kanal resmi, foto media, materi publikasi.", K.A_E, 5),
        ],
    ),
    (
        "Penyelarasan sistem",
        "Nilai BerAKHLAK tertanam dalam aturan, proses kerja dan manajemen SDM.",
        [
            ("Nilai BerAKHLAK telah dimuat dalam SOP, kode etik atau aturan internal.",
             "A: seluruh SOP utama dan kode etik; B: sebagian besar; C: sebagian; D: satu dokumen; E: belum.",
             "Dokumen SOP/kode etik yang memuat nilai BerAKHLAK.", K.A_E, 5),
            ("Persentase pegawai yang SKP-nya memuat ekspektasi perilaku BerAKHLAK.",
             "Isi persentase (0-100) dari jumlah pegawai.",
             "Rekap SKP per unit dan contoh SKP.", K.PERCENT, 5),
            ("Tingkat keselarasan rekrutmen dan pengembangan kompetensi dengan nilai BerAKHLAK.",
             "1: belum ada; 2: direncanakan; 3: diterapkan sebagian; 4: diterapkan penuh; "
             "5: diterapkan penuh dan dievaluasi.",
             "Dokumen rencana pengembangan kompetensi, kurikulum pelatihan.", K.MATURITY_1_5, 5),
        ],
    ),
    (
        "Internalisasi",
        "Kick-off, komitmen pimpinan dan sosialisasi nilai BerAKHLAK.",
        [
            ("Instansi telah melaksanakan kick-off/deklarasi budaya kerja BerAKHLAK.",
             "Ya bila kegiatan kick-off dilaksanakan dan didokumentasikan.",
             "Undangan, daftar hadir, foto dan notulen kegiatan.", K.YA_TIDAK, 5),
            ("Pimpinan menunjukkan komitmen dan keteladanan dalam budaya kerja.",
             "A: pimpinan memimpin langsung dan rutin; B: rutin tetapi diwakilkan; C: sesekali; "
             "D: hanya pernyataan tertulis; E: belum ada.",
             "Pakta/komitmen pimpinan, dokumentasi arahan pimpinan.", K.A_E, 5),
            ("Persentase pegawai yang telah mengikuti sosialisasi nilai BerAKHLAK.",
             "Isi persentase (0-100) dari jumlah pegawai.",
             "Daftar hadir sosialisasi dan rekapitulasinya.", K.PERCENT, 5),
            ("Instansi memanfaatkan media internalisasi (banner, media sosial, apel, coaching).",
             "A: beragam media dan berkelanjutan; B: beberapa media; C: belum ada.",
             "Foto media, tautan unggahan, jadwal kegiatan.", K.ABC, 5),
        ],
    ),
    (
        "Pemantauan dan evaluasi",
        "Rencana aksi dipantau, hasil pengukuran ditindaklanjuti, pimpinan menerima laporan.",
        [
            ("Pelaksanaan rencana aksi dipantau secara berkala.",
             "A: tiap bulan; B: tiap triwulan; C: tiap semester; D: sekali setahun; E: tidak dipantau.",
             "Laporan pemantauan berkala.", K.A_E, 5),
            ("Hasil pengukuran budaya kerja ditindaklanjuti dengan perbaikan.",
             "A: seluruh temuan ditindaklanjuti; B: sebagian besar; C: sebagian; D: direncanakan; E: belum.",
             "Dokumen rencana dan laporan tindak lanjut.", K.A_E, 5),
            ("Hasil pemantauan dilaporkan kepada pimpinan instansi.",
             "Ya bila ada laporan yang diterima pimpinan pada tahun penilaian.",
             "Laporan kepada pimpinan beserta disposisinya.", K.YA_TIDAK, 5),
        ],
    ),
    (
        "Penghargaan dan apresiasi",
        "Pegawai yang menjadi teladan nilai BerAKHLAK diberi penghargaan.",
        [
            ("Instansi memiliki mekanisme penghargaan bagi pegawai teladan BerAKHLAK.",
             "A: ditetapkan dengan kriteria yang jelas; B: ada tetapi belum ditetapkan; C: belum ada.",
             "Keputusan/pedoman pemberian penghargaan.", K.ABC, 5),
            ("Penghargaan dan apresiasi telah diberikan kepada pegawai.",
             "A: rutin tiap periode; B: beberapa kali; C: sekali; D: direncanakan; E: belum.",
             "SK penerima penghargaan, foto penyerahan.", K.A_E, 5),
        ],
    ),
    (
        "Penguatan berkelanjutan",
        "Inovasi dan keberlanjutan penguatan budaya kerja.",
        [
            ("Tingkat kematangan inovasi perbaikan budaya kerja.",
             "1: belum ada; 2: gagasan; 3: diuji coba; 4: diterapkan; 5: diterapkan dan direplikasi.",
             "Profil inovasi, laporan penerapan.", K.MATURITY_1_5, 5),
            ("Penguatan budaya kerja telah diintegrasikan dalam renstra/rencana kerja instansi.",
             "A: masuk renstra dan renja dengan anggaran; B: masuk renja saja; C: belum.",
             "Kutipan renstra/renja dan DPA terkait.", K.ABC, 5),
        ],
    ),
]  # fmt: skip

assert sum(w for _c, _d, rows in DEFAULT_WORKSHEET for *_x, w in rows) == 100


def default_weight_total() -> Decimal:
    return Decimal(sum(w for _c, _d, rows in DEFAULT_WORKSHEET for *_x, w in rows))
