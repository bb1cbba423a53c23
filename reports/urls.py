from __future__ import annotations

from django.urls import path

from reports.views import compute, dashboard, documents, letterhead

app_name = "reports"

urlpatterns = [
    path("metode/", dashboard.method, name="method"),
    path("dasbor/", dashboard.dashboard, name="dashboard"),
    path("dasbor/<int:pk>/", dashboard.dashboard, name="dashboard_round"),
    path("dasbor/<int:pk>/laporan/", documents.report_create, name="report_create"),
    path("laporan/", documents.report_list, name="report_list"),
    path("laporan/kop/", letterhead.letterhead_edit, name="letterhead"),
    path("laporan/<uuid:pk>/", documents.report_detail, name="report_detail"),
    path("laporan/<uuid:pk>/unduh/", documents.report_download, name="report_download"),
    path("putaran/<int:pk>/indeks/", compute.index_panel, name="index_panel"),
    path("putaran/<int:pk>/indeks/hitung/", compute.index_compute, name="index_compute"),
    path("putaran/<int:pk>/indeks/publikasikan/", compute.index_publish, name="index_publish"),
    path(
        "putaran/<int:pk>/indeks/mutu-instrumen/",
        compute.instrument_quality,
        name="instrument_quality",
    ),
    path("putaran/<int:pk>/indeks/angka-sementara/", compute.index_live_toggle, name="index_live"),
]
