"""The public page "Nilai Dasar BerAKHLAK": the seven values and their behaviour guides."""

from __future__ import annotations

from django.shortcuts import render

from berakhlak import selectors
from berakhlak.models import Wording

WORDING_PARAMS = {"2021": Wording.SE_2021, "2023": Wording.UU_2023}


def values_catalog(request):
    param = request.GET.get("rumusan", "2023")
    wording = WORDING_PARAMS.get(param, Wording.UU_2023)
    values = [
        {
            "code": value.code,
            "name": value.name,
            "definition": value.definition_for(wording),
            "guides": [(g.code, g.text_for(wording)) for g in value.guides.all()],
        }
        for value in selectors.core_values()
    ]
    context = {
        "values": values,
        "wording": wording,
        "wording_param": "2021" if wording == Wording.SE_2021 else "2023",
        "wording_label": Wording(wording).label,
    }
    return render(request, "catalog/values.html", context)
