from django.urls import path

from forums.views import events, forum, inbox

app_name = "forums"

urlpatterns = [
    path("", forum.forum_list, name="list"),
    path("berkas/<uuid:pk>/", forum.file_download, name="file"),
    path("pemberitahuan/", inbox.notice_list, name="notices"),
    path("pemberitahuan/<int:pk>/", inbox.notice_open, name="notice"),
    path("pemberitahuan/dibaca/", inbox.notices_read, name="notices_read"),
    path("<slug:slug>/", forum.home, name="home"),
    path("<slug:slug>/utas/baru/", forum.thread_new, name="thread_new"),
    path("<slug:slug>/utas/<int:pk>/", forum.thread, name="thread"),
    path("<slug:slug>/utas/<int:pk>/aksi/", forum.thread_action, name="thread_action"),
    path("<slug:slug>/tulisan/<int:pk>/ubah/", forum.post_edit, name="post_edit"),
    path("<slug:slug>/tulisan/<int:pk>/hapus/", forum.post_delete, name="post_delete"),
    path("<slug:slug>/anggota/", forum.members, name="members"),
    path("<slug:slug>/pustaka/", forum.library, name="library"),
    path("<slug:slug>/kegiatan/", events.event_list, name="events"),
    path("<slug:slug>/kegiatan/<int:pk>/", events.event_detail, name="event"),
    path("<slug:slug>/kegiatan/<int:pk>/layar/", events.event_screen, name="event_screen"),
    path("<slug:slug>/kegiatan/<int:pk>/kode-baru/", events.event_new_code, name="event_new_code"),
    path(
        "<slug:slug>/kegiatan/<int:pk>/daftar-hadir.<str:fmt>",
        events.attendance_export,
        name="attendance",
    ),
]
