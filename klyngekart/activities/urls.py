from django.urls import path

from klyngekart.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.index, name="list"),
    path("new/", views.create, name="create"),
    path("feedback/", views.feedback_overview, name="feedback"),
    path("impact/", views.impact_view, name="impact"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/registrations/<int:registration_pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/check-in/", views.check_in, name="check_in"),
    path("<int:pk>/feedback/send/", views.feedback_send, name="feedback_send"),
    path("<int:pk>/check-in/close/", views.check_in_close, name="check_in_close"),
    path("<int:pk>/check-in/<int:registration_pk>/", views.check_in_one, name="check_in_one"),
]
