"""Response-rate board: /survei/respons/..."""

from django.urls import path

from surveys.views import board

urlpatterns = [
    path("", board.board_index, name="board_index"),
    path("<int:pk>/", board.board_detail, name="board"),
    path("<int:pk>/excel/", board.board_export, name="board_export"),
    path("<int:pk>/ingatkan/", board.board_remind, name="board_remind"),
]
