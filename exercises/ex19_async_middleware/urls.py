from django.urls import path

from . import views

urlpatterns = [
    path("", views.forecast, name="forecast"),
    path("city/<str:city>/", views.remember_city, name="remember-city"),
    path("about/", views.about, name="about"),
]
