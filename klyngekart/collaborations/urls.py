from django.urls import path

from klyngekart.collaborations import views

app_name = "collaborations"

urlpatterns = [
    path("", views.board, name="board"),
    path("list/", views.opportunity_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/next-step/", views.next_step, name="next_step"),
    path("<int:pk>/notes/", views.add_note, name="note"),
]
