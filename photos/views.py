from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import TemplateView

from races.models import Race

from .gallery import race_photos
from .models import page_url


class PhotoDetailView(TemplateView):
    """One photo of a race, large, by its place in the race's gallery."""

    template_name = "photos/photo_detail.html"
    # Reads no query parameter: `?x=1` is the same cached page.
    query_parameters = {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        race = get_object_or_404(
            Race.objects.select_related("season", "circuit"),
            season__year=self.kwargs["year"],
            slug=self.kwargs["slug"],
        )
        gallery = race_photos(race).gallery
        number = self.kwargs["number"]
        if not 1 <= number <= len(gallery):
            raise Http404("This race has no photo with that number.")
        photo = gallery[number - 1]
        context.update(
            race=race,
            photo=photo,
            count=len(gallery),
            cars=[
                (car, f"#{car.car_number}" if car.car_number else car.slug)
                for car in photo.entries.select_related("car_model__manufacturer")
            ],
            drivers=photo.drivers.all(),
            previous_url=page_url(race, number - 1) if number > 1 else "",
            next_url=page_url(race, number + 1) if number < len(gallery) else "",
        )
        return context
