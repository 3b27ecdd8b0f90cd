from django.urls import path

from . import views

urlpatterns = [path("", views.live_forecast, name="live-forecast")]
