"""URLs of the institutional assessment (LKE), included by evaluations/urls/__init__.py.

No app_name of its own: the names join the "evaluations" namespace (evaluations:lke_...).
"""

from django.urls import path

from evaluations.views.lke import agency, documents, review, worksheet
from evaluations.views.lke import worksheet_edit as edit

urlpatterns = [
    path("<int:pk>/lke/", worksheet.worksheet_detail, name="lke_worksheet"),
    path(
        "<int:pk>/lke/buat-bawaan/",
        worksheet.worksheet_default_create,
        name="lke_worksheet_default",
    ),
    path("<int:pk>/lke/bekukan/", worksheet.worksheet_freeze, name="lke_worksheet_freeze"),
    path(
        "<int:pk>/lke/penugasan/",
        worksheet.assignments_from_grants,
        name="lke_assignments_from_grants",
    ),
    path("<int:pk>/lke/buat-kosong/", edit.worksheet_empty_create, name="lke_worksheet_empty"),
    path("<int:pk>/lke/unduh.xlsx", edit.worksheet_export, name="lke_worksheet_export"),
    path("<int:pk>/lke/masa-sanggah/", edit.appeal_window, name="lke_appeal_window"),
    path("<int:pk>/lke/unggah/", edit.worksheet_upload, name="lke_worksheet_upload"),
    path("<int:pk>/lke/komponen/tambah/", edit.component_form, name="lke_component_add"),
    path(
        "<int:pk>/lke/komponen/<int:component_pk>/", edit.component_form, name="lke_component_edit"
    ),
    path(
        "<int:pk>/lke/komponen/<int:component_pk>/aksi/",
        edit.component_action,
        name="lke_component_action",
    ),
    path("<int:pk>/lke/kriteria/tambah/", edit.criterion_form, name="lke_criterion_add"),
    path(
        "<int:pk>/lke/kriteria/<int:criterion_pk>/", edit.criterion_form, name="lke_criterion_edit"
    ),
    path(
        "<int:pk>/lke/kriteria/<int:criterion_pk>/aksi/",
        edit.criterion_action,
        name="lke_criterion_action",
    ),
    path("lke/unit/<int:pk>/evaluator/", edit.evaluator_add, name="lke_evaluator_add"),
    path(
        "lke/unit/<int:pk>/evaluator/<int:user_pk>/cabut/",
        edit.evaluator_remove,
        name="lke_evaluator_remove",
    ),
    path("lke/", agency.lke_home, name="lke_home"),
    path("lke/penilaian/", review.review_queue, name="lke_review_queue"),
    path("lke/unit/<int:pk>/", agency.workspace, name="lke_workspace"),
    path("lke/unit/<int:pk>/ajukan-semua/", agency.submit_all, name="lke_submit_all"),
    path("lke/unit/<int:pk>/jejak/", documents.audit, name="lke_audit"),
    path("lke/unit/<int:pk>/jejak.xlsx", documents.audit_export, name="lke_audit_export"),
    path("lke/unit/<int:pk>/bukti.zip", documents.evidence_archive, name="lke_evidence_zip"),
    path("lke/unit/<int:pk>/rekap.<str:fmt>", documents.agency_recap, name="lke_recap"),
    path("<int:pk>/lke/rekap.<str:fmt>", documents.province_recap, name="lke_province_recap"),
    path("lke/kriteria/<int:pk>/", agency.assessment_detail, name="lke_assessment"),
    path("lke/kriteria/<int:pk>/mandiri/", agency.self_save, name="lke_self_save"),
    path("lke/kriteria/<int:pk>/bukti/", agency.evidence_upload, name="lke_evidence_upload"),
    path("lke/kriteria/<int:pk>/nilai/", review.review_action, name="lke_review_action"),
    path("lke/kriteria/<int:pk>/final/", review.finalise, name="lke_finalise"),
    path("lke/kriteria/<int:pk>/sanggah/", review.appeal, name="lke_appeal"),
    path("lke/kriteria/<int:pk>/putus-sanggah/", review.appeal_decide, name="lke_appeal_decide"),
    path("lke/bukti/<int:pk>/unduh/", agency.evidence_download, name="lke_evidence_download"),
    path("lke/bukti/<int:pk>/tarik/", agency.evidence_withdraw, name="lke_evidence_withdraw"),
]
