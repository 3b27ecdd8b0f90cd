from django.urls import path

from . import views

urlpatterns = [path("", views.live_dashboard, name="live-dashboard")]
