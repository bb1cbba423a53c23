from django.urls import include, path

app_name = "surveys"

urlpatterns = [
    path("", include("surveys.urls_filling")),
    path("instrumen/", include("surveys.urls_instruments")),
    path("respons/", include("surveys.urls_board")),
    path("impor-jawaban/", include("surveys.urls_paper")),
    path("putaran/", include("surveys.urls_rounds")),
]
