"""English texts for survey content (blank: the Indonesian is shown), and a faithful English
version of the three default instruments, version 1. `load` is importable (surveys.demo reloads
it after a test flushed the tables) and fills only texts that are still empty."""

from django.db import migrations, models

SCALE_6_EN = [
    "Strongly disagree",
    "Disagree",
    "Somewhat disagree",
    "Somewhat agree",
    "Agree",
    "Strongly agree",
]

INSTRUMENTS_EN = {
    "perilaku-berakhlak": (
        "BerAKHLAK Behaviour",
        "21 behaviour statements, one for each BerAKHLAK behaviour guide. Answer according to "
        "what you actually do every day, not what you should do.",
    ),
    "pemilihan-nilai": (
        "Work Culture Values Selection",
        "In the style of the national BerAKHLAK Index: choose exactly 10 values or behaviours for "
        "yourself, for your unit's current work culture, and for the work culture you hope for.",
    ),
    "keterikatan-pegawai": (
        "Employee Engagement",
        "How well do the following statements match your situation at work?",
    ),
}

ITEMS_EN = {
    "BP1": "I find out what the public or service users really need before I serve them.",
    "BP2": "I serve in a friendly and prompt way, and offer solutions that can be relied on.",
    "BP3": "I follow up on complaints or feedback to improve the way our service works.",
    "AK1": "I complete my tasks honestly, carefully and on time without needing to be supervised.",
    "AK2": "I use the budget, equipment and office facilities only for official purposes, and sparingly.",
    "AK3": "I refuse to use my position or authority for the benefit of myself, my family or a group.",
    "KO1": "I actively learn the new knowledge and skills my work requires.",
    "KO2": "I share knowledge and guide colleagues who are learning.",
    "KO3": "I check my work again so that it meets the best quality standards.",
    "HA1": "I treat every colleague and citizen with respect, whatever their ethnicity, religion, rank or position.",
    "HA2": "I offer help when I see a colleague struggling, even when it is not my task.",
    "HA3": "I help keep a calm, trusting working atmosphere free of needless conflict.",
    "LO1": "I carry out my duties in line with Pancasila, the 1945 Constitution and lawful government policy.",
    "LO2": "I protect the good name of fellow civil servants, leaders and the agency, including on social media.",
    "LO3": "I keep confidential the official data and information that must not be disclosed to others.",
    "AD1": "I quickly adjust the way I work when there are new rules, systems or technology.",
    "AD2": "I propose or try new ways to make work easier, faster or cheaper.",
    "AD3": "I act early to prevent problems without waiting to be told.",
    "KL1": "I give colleagues and others the chance to put forward ideas and take part.",
    "KL2": "I am open to working with other units or agencies to create added value.",
    "KL3": "I mobilise the use of shared resources (data, facilities, expertise) for common goals.",
    "EE1": "I am proud to work at this agency.",
    "EE2": "I feel enthusiastic when I set off for work.",
    "EE3": "I know clearly what is expected of me in my work.",
    "EE4": "I have the tools and information I need to do my work well.",
    "EE5": "My supervisor cares about me as a person.",
    "EE6": "In the last month, I have received recognition or praise for good work.",
    "EE7": "My opinions are heard and taken into account at work.",
    "EE8": "I would recommend this agency to others as a place to work.",
}  # fmt: skip

OPTIONS_EN = {
    "BP-RAMAH": "Friendly", "BP-CEKATAN": "Quick and capable", "BP-SOLUTIF": "Solution-oriented",
    "BP-PEDULI": "Caring about service users' needs", "BP-PERBAIKAN": "Continuous improvement",
    "AK-JUJUR": "Honest", "AK-TANGGUNGJAWAB": "Responsible", "AK-DISIPLIN": "Disciplined",
    "AK-INTEGRITAS": "Having integrity", "AK-HEMAT": "Thrifty and efficient",
    "KO-BELAJAR": "Always learning", "KO-PROFESIONAL": "Professional",
    "KO-MUTU": "Putting quality first", "KO-BERBAGI-ILMU": "Sharing knowledge",
    "HA-SALING-HORMAT": "Mutual respect", "HA-TOLONG": "Helpful", "HA-TOLERAN": "Tolerant",
    "HA-KEKELUARGAAN": "Family spirit", "HA-KONDUSIF": "A conducive work environment",
    "LO-DEDIKASI": "Dedicated", "LO-NASIONALISME": "Love of the homeland",
    "LO-JAGA-NAMA": "Protecting the agency's good name", "LO-RAHASIA": "Keeping official secrets",
    "AD-INOVATIF": "Innovative", "AD-KREATIF": "Creative", "AD-PROAKTIF": "Proactive",
    "AD-TERBUKA": "Open to change", "AD-MELEK-DIGITAL": "Digitally literate",
    "KL-KERJA-SAMA": "Teamwork", "KL-SINERGI": "Synergy between units", "KL-TERBUKA": "Openness",
    "KL-BERBAGI": "Sharing resources", "KL-MELIBATKAN": "Involving all parties",
    "LIM-SALAHKAN": "Blaming one another", "LIM-BIROKRASI": "Convoluted bureaucracy",
    "LIM-EGO-SEKTORAL": "Sectoral egos", "LIM-ABS": "Pleasing the boss (asal bapak senang)",
    "LIM-TAKUT-SALAH": "Afraid to take decisions", "LIM-GOSIP": "Gossiping",
    "LIM-LAMBAT": "Sluggish", "LIM-PILIH-KASIH": "Favouritism",
    "LIM-KONTROL": "Excessive control", "LIM-ZONA-NYAMAN": "Staying in the comfort zone",
}  # fmt: skip


def load(apps, schema_editor):
    Instrument = apps.get_model("surveys", "Instrument")
    Item = apps.get_model("surveys", "Item")
    Option = apps.get_model("surveys", "Option")
    for code, (name, description) in INSTRUMENTS_EN.items():
        for instrument in Instrument.objects.filter(code=code, version=1):
            instrument.name_en = instrument.name_en or name
            instrument.description_en = instrument.description_en or description
            if instrument.scale_points == 6 and not instrument.scale_labels_en:
                instrument.scale_labels_en = SCALE_6_EN if instrument.kind != "VALUES_SELECTION" else []
            instrument.save(update_fields=["name_en", "description_en", "scale_labels_en"])
            for item in Item.objects.filter(instrument=instrument, text_en=""):
                if item.code in ITEMS_EN:
                    item.text_en = ITEMS_EN[item.code]
                    item.save(update_fields=["text_en"])
            for option in Option.objects.filter(instrument=instrument, text_en=""):
                if option.code in OPTIONS_EN:
                    option.text_en = OPTIONS_EN[option.code]
                    option.save(update_fields=["text_en"])


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0007_participation_invitation_email'),
    ]

    operations = [
        migrations.AddField(
            model_name='instrument',
            name='description_en',
            field=models.TextField(blank=True, default='', verbose_name='keterangan (Inggris)'),
        ),
        migrations.AddField(
            model_name='instrument',
            name='name_en',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='nama (Inggris)'),
        ),
        migrations.AddField(
            model_name='instrument',
            name='scale_labels_en',
            field=models.JSONField(blank=True, default=list, verbose_name='label skala (Inggris)'),
        ),
        migrations.AddField(
            model_name='item',
            name='text_en',
            field=models.TextField(blank=True, default='', verbose_name='pernyataan (Inggris)'),
        ),
        migrations.AddField(
            model_name='option',
            name='text_en',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='teks (Inggris)'),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
