"""The answers of one page (or one question, for autosave), validated before the service stores them."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from surveys.selectors import Question


class AnswersForm(forms.Form):
    """One field per question, named by the question key. Blank is allowed: a page may be left
    half done and finished later; the review page lists what is still missing."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            if question.kind == "pick":
                self.fields[question.key] = forms.MultipleChoiceField(
                    label=question.label,
                    choices=question.options,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                )
            else:
                self.fields[question.key] = forms.TypedChoiceField(
                    label=question.label,
                    choices=[(str(v), text) for v, text in question.scale],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                )

    def clean(self):
        data = super().clean()
        for question in self.questions:
            chosen = data.get(question.key) or []
            if question.kind == "pick" and len(chosen) > question.pick_count:
                self.add_error(
                    question.key,
                    _(
                        "Pilih paling banyak %(k)s. Anda memilih %(n)s, jadi hapus %(extra)s pilihan."
                    )
                    % {
                        "k": question.pick_count,
                        "n": len(chosen),
                        "extra": len(chosen) - question.pick_count,
                    },
                )
        return data

    def answers(self) -> dict:
        """What to store: every pick question of the form (an empty list clears it), and the scale
        questions that were answered (a radio group cannot be un-answered)."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.key)
            if question.kind == "pick":
                answers[question.key] = list(value or [])
            elif value is not None:
                answers[question.key] = value
        return answers
