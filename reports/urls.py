from __future__ import annotations

from django.urls import path

from reports import views, views_compute, views_documents, views_letterhead

app_name = "reports"

urlpatterns = [
    path("metode/", views.method, name="method"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("dasbor/<int:pk>/", views.dashboard, name="dashboard_round"),
    path("dasbor/<int:pk>/laporan/", views_documents.report_create, name="report_create"),
    path("laporan/", views_documents.report_list, name="report_list"),
    path("laporan/kop/", views_letterhead.letterhead_edit, name="letterhead"),
    path("laporan/<uuid:pk>/", views_documents.report_detail, name="report_detail"),
    path("laporan/<uuid:pk>/unduh/", views_documents.report_download, name="report_download"),
    path("putaran/<int:pk>/indeks/", views_compute.index_panel, name="index_panel"),
    path("putaran/<int:pk>/indeks/hitung/", views_compute.index_compute, name="index_compute"),
    path(
        "putaran/<int:pk>/indeks/publikasikan/", views_compute.index_publish, name="index_publish"
    ),
    path(
        "putaran/<int:pk>/indeks/mutu-instrumen/",
        views_compute.instrument_quality,
        name="instrument_quality",
    ),
    path(
        "putaran/<int:pk>/indeks/angka-sementara/",
        views_compute.index_live_toggle,
        name="index_live",
    ),
]
