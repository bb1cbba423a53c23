"""Paper and offline answers (admin): /survei/impor-jawaban/..."""

from django.urls import path

from surveys.views import paper_import

urlpatterns = [
    path("", paper_import.paper_start, name="paper_start"),
    path("konfirmasi/", paper_import.paper_confirm, name="paper_confirm"),
    path("<int:pk>/templat.xlsx", paper_import.paper_template, name="paper_template"),
]
