from django.urls import path

from klyngekart.members import people_views as views

app_name = "people"
urlpatterns = [
    path("", views.people_list, name="list"),
    path("invite/", views.invite, name="invite"),
    path("roles/<int:pk>/change/", views.role_change, name="role_change"),
    path("roles/<int:pk>/remove/", views.role_remove, name="role_remove"),
    path("company-roles/<int:pk>/remove/", views.company_role_remove, name="company_role_remove"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
]
