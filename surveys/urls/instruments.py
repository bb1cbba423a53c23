"""Instruments (admin): /survei/instrumen/..."""

from django.urls import path

from surveys.views import instruments

urlpatterns = [
    path("", instruments.instrument_list, name="instrument_list"),
    path("<int:pk>/", instruments.instrument_detail, name="instrument_detail"),
    path("<int:pk>/butir/baru/", instruments.item_add, name="item_add"),
    path("<int:pk>/butir/<int:item_pk>/", instruments.item_edit, name="item_edit"),
    path("<int:pk>/butir/<int:item_pk>/aksi/", instruments.item_action, name="item_action"),
    path("<int:pk>/versi-baru/", instruments.instrument_version, name="instrument_version"),
    path("<int:pk>/unduh.xlsx", instruments.instrument_export, name="instrument_export"),
    path("<int:pk>/unggah/", instruments.instrument_upload, name="instrument_upload"),
    path("<int:pk>/inggris/", instruments.instrument_english, name="instrument_english"),
]
