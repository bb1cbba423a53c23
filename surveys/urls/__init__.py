from django.urls import include, path

app_name = "surveys"

urlpatterns = [
    path("", include("surveys.urls.filling")),
    path("instrumen/", include("surveys.urls.instruments")),
    path("respons/", include("surveys.urls.board")),
    path("impor-jawaban/", include("surveys.urls.paper")),
    path("putaran/", include("surveys.urls.rounds")),
]
