from django.urls import include, path

from evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("baru/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/ubah/", views.round_edit, name="round_edit"),
    path("<int:pk>/status/", views.round_transition, name="round_transition"),
    # Institutional assessment (LKE): evaluations/urls_lke.py.
    path("", include("evaluations.urls_lke")),
    # Agenda perubahan (culture team, roadmap, action plans): evaluations/plans/urls.py.
    path("", include("evaluations.plans.urls")),
]
