"""The survey side of a round (admin): /survei/putaran/<round>/..."""

from django.urls import path

from surveys.views import rounds

urlpatterns = [
    path("<int:pk>/", rounds.round_survey_panel, name="round_survey_panel"),
    path("<int:pk>/instrumen/", rounds.round_instruments, name="round_instruments"),
    path("<int:pk>/buka/", rounds.round_open_view, name="round_open"),
]
