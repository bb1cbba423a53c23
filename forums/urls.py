from django.urls import path

from forums import views, views_events, views_inbox

app_name = "forums"

urlpatterns = [
    path("", views.forum_list, name="list"),
    path("berkas/<uuid:pk>/", views.file_download, name="file"),
    path("pemberitahuan/", views_inbox.notice_list, name="notices"),
    path("pemberitahuan/<int:pk>/", views_inbox.notice_open, name="notice"),
    path("pemberitahuan/dibaca/", views_inbox.notices_read, name="notices_read"),
    path("<slug:slug>/", views.home, name="home"),
    path("<slug:slug>/utas/baru/", views.thread_new, name="thread_new"),
    path("<slug:slug>/utas/<int:pk>/", views.thread, name="thread"),
    path("<slug:slug>/utas/<int:pk>/aksi/", views.thread_action, name="thread_action"),
    path("<slug:slug>/tulisan/<int:pk>/ubah/", views.post_edit, name="post_edit"),
    path("<slug:slug>/tulisan/<int:pk>/hapus/", views.post_delete, name="post_delete"),
    path("<slug:slug>/anggota/", views.members, name="members"),
    path("<slug:slug>/pustaka/", views.library, name="library"),
    path("<slug:slug>/kegiatan/", views_events.event_list, name="events"),
    path("<slug:slug>/kegiatan/<int:pk>/", views_events.event_detail, name="event"),
    path("<slug:slug>/kegiatan/<int:pk>/layar/", views_events.event_screen, name="event_screen"),
    path("<slug:slug>/kegiatan/<int:pk>/kode-baru/", views_events.event_new_code, name="event_new_code"),
    path("<slug:slug>/kegiatan/<int:pk>/daftar-hadir.<str:fmt>", views_events.attendance_export, name="attendance"),
]  # fmt: skip
