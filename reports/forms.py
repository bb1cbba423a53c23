"""Forms of the reports app: the letterhead and signatory of the PDF reports."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from berakhlak.nip import nip_normalise, nip_problems
from reports import letterhead


class LetterheadForm(forms.Form):
    """Every field may stay empty: the PDF then prints the REPORT_* setting shown as placeholder."""

    government = forms.CharField(label=_("Pemerintah"), max_length=120, required=False)
    unit = forms.CharField(label=_("Unit kerja"), max_length=120, required=False)
    address = forms.CharField(label=_("Alamat"), max_length=200, required=False)
    city = forms.CharField(label=_("Kota penandatanganan"), max_length=60, required=False)
    signatory_title = forms.CharField(
        label=_("Jabatan penanda tangan"), max_length=120, required=False
    )
    signatory_name = forms.CharField(
        label=_("Nama penanda tangan"),
        max_length=120,
        required=False,
        help_text=_("Nama lengkap dengan gelar, seperti tertulis di bawah tanda tangan."),
    )
    signatory_nip = forms.CharField(label=_("NIP penanda tangan"), max_length=30, required=False)
    logo = forms.FileField(
        label=_("Logo provinsi"),
        required=False,
        help_text=_(
            "PNG atau JPEG, paling besar 512 KB. Kosongkan untuk tetap memakai logo sekarang."
        ),
    )
    remove_logo = forms.BooleanField(label=_("Hapus logo yang diunggah"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in letterhead.defaults().items():
            field = self.fields[name]
            field.widget.attrs.update({"class": "form-control", "placeholder": value})
        self.fields["logo"].widget.attrs.update(
            {"class": "form-control", "accept": "image/png,image/jpeg"}
        )
        self.fields["remove_logo"].widget.attrs.update({"class": "form-check-input"})

    def clean_signatory_nip(self) -> str:
        nip = nip_normalise(self.cleaned_data["signatory_nip"].strip())
        if nip:
            problems = nip_problems(nip)
            if problems:
                raise forms.ValidationError(problems)
        return nip

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        return letterhead.logo_checked(upload) if upload else None

    def values(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in letterhead.FIELDS}
