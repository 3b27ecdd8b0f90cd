from django.urls import path

from . import views

urlpatterns = [path("", views.ForecastView.as_view(), name="forecast")]
