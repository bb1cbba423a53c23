"""URLs of the evaluation rounds, included by evaluations/urls/__init__.py (names join "evaluations:")."""

from django.urls import path

from evaluations.views import rounds as views

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("baru/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/ubah/", views.round_edit, name="round_edit"),
    path("<int:pk>/status/", views.round_transition, name="round_transition"),
]
