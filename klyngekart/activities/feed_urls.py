from django.urls import path

from klyngekart.activities import feed_views

app_name = "calendar"

urlpatterns = [
    path("", feed_views.mine, name="mine"),
    path("<str:token>.ics", feed_views.feed, name="feed"),
]
