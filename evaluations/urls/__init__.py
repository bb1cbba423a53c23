"""URLs of the evaluations app under /putaran/ (namespace "evaluations").

One module per part, all joining the one namespace: rounds (`urls/rounds.py`), the
institutional assessment (`urls/lke.py`, names `lke_...`) and the agenda perubahan
(`urls/plans.py`, names `plan...`).
"""

from django.urls import include, path

app_name = "evaluations"

urlpatterns = [
    path("", include("evaluations.urls.rounds")),
    path("", include("evaluations.urls.lke")),
    path("", include("evaluations.urls.plans")),
]
