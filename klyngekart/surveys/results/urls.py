from django.urls import path

from klyngekart.surveys.results import views as views_results

app_name = "results"
urlpatterns = [
    path("", views_results.cluster_results, name="cluster"),
    path("mine/", views_results.my_results, name="mine"),
    path("rounds/<int:round_id>/companies/<int:rc_id>/", views_results.company_results, name="company"),
    path(
        "rounds/<int:round_id>/comments/<uuid:comment_id>/hide/",
        views_results.comment_hide,
        name="comment_hide",
    ),
]
