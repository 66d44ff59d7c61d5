from django.urls import path

from klyngekart.surveys.rounds import views

app_name = "rounds"
urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/open/", views.round_open, name="open"),
    path("<int:pk>/close/", views.round_close, name="close"),
    path("<int:pk>/extend/", views.round_extend, name="extend"),
    path("<int:pk>/remind/", views.round_remind, name="remind"),
    path("<int:pk>/held/", views.round_held, name="held"),
    path("<int:pk>/companies/<int:part_pk>/", views.round_company, name="company"),
    path("<int:pk>/companies/<int:part_pk>/invite/", views.round_invite, name="invite"),
    path(
        "<int:pk>/companies/<int:part_pk>/invitations/<int:invitation_pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path(
        "<int:pk>/companies/<int:part_pk>/invitations/<int:invitation_pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path("<int:pk>/companies/<int:part_pk>/open-link/", views.round_open_link, name="open_link"),
    path("<int:pk>/companies/<int:part_pk>/poster/", views.round_poster, name="poster"),
    path("<int:pk>/companies/<int:part_pk>/qr.png", views.round_qr, {"fmt": "png"}, name="qr_png"),
    path("<int:pk>/companies/<int:part_pk>/qr.svg", views.round_qr, {"fmt": "svg"}, name="qr_svg"),
]
