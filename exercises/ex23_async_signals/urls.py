from django.urls import path

from . import views  # importing the views connects their receivers

urlpatterns = [path("", views.place_order, name="place-order")]
