"""The answering pages under /s/<token>/ (the token comes from config/urls.py)."""

from django.urls import path

from klyngekart.surveys.answering import views as views_public

app_name = "respond"
urlpatterns = [
    path("", views_public.start, name="start"),
    path("part/<int:number>/", views_public.part, name="part"),
    path("thanks/", views_public.thanks, name="thanks"),
]
