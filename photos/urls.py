from django.urls import path

from . import views

app_name = "photos"

urlpatterns = [
    path(
        "<int:year>/<slug:slug>/photos/<int:number>/",
        views.PhotoDetailView.as_view(),
        name="photo-detail",
    ),
]
