"""URLs of the agenda perubahan, included by evaluations/urls/__init__.py (names join "evaluations:")."""

from django.urls import path

from evaluations.views import plans as views

urlpatterns = [
    path("rencana-aksi/", views.plans_home, name="plans_home"),
    path("rencana-aksi/papan/", views.board, name="plans_board"),
    path("rencana-aksi/papan/<int:pk>/unduh.xlsx", views.board_export, name="plans_export"),
    path("rencana-aksi/unit/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("rencana-aksi/aksi/<int:pk>/", views.action_edit, name="plan_action"),
    path("rencana-aksi/tim/<str:code>/", views.team_edit, name="plan_team"),
    path("rencana-aksi/tim/<str:code>/panel/", views.agency_panel, name="plan_agency_panel"),
]
