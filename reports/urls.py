from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("metode/", views.method, name="method"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/<int:pk>/", views.dashboard, name="dashboard_round"),
]
