"""Filling one's own survey: /survei/ ("Survei saya") and the pages under /survei/<participation>/."""

from django.urls import path

from surveys.views import filling

urlpatterns = [
    path("", filling.my_surveys, name="my_surveys"),
    path("<int:pk>/", filling.fill_intro, name="fill_intro"),
    path("<int:pk>/lanjut/", filling.fill_resume, name="fill_resume"),
    path("<int:pk>/halaman/<slug:slug>/", filling.fill_page, name="fill_page"),
    path("<int:pk>/jawab/", filling.fill_autosave, name="fill_autosave"),
    path("<int:pk>/periksa/", filling.fill_review, name="fill_review"),
    path("<int:pk>/kirim/", filling.fill_submit, name="fill_submit"),
    path("<int:pk>/tanda-terima/", filling.fill_receipt, name="fill_receipt"),
]
