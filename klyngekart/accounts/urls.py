from django.urls import path

from klyngekart.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("invitations/<str:secret>/", views.invitation_accept, name="invitation_accept"),
]
