from django.urls import path

from . import views

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.product, name="product"),
]
