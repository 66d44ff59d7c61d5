from django.urls import path

from klyngekart.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("benchmark.pdf", views.benchmark_pdf, name="benchmark_pdf"),
    path("<int:pk>/", views.job, name="job"),
    path("<int:pk>/download/", views.download, name="download"),
    path(
        "rounds/<int:round_id>/companies/<int:rc_id>/pdf/",
        views.company_results_pdf,
        name="company_pdf",
    ),
]
