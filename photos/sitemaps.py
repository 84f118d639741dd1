from django.contrib.sitemaps import Sitemap

from .models import Photo


class PhotoSitemap(Sitemap):
    """Each photo's page, with the photo itself as an image sitemap entry."""

    def items(self):
        return Photo.objects.with_number().order_by(
            "race__season__year", "race__round_number", "gallery_order", "pk"
        )

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            image = url["item"].largest_jpeg["url"]
            url["images"] = [image if "://" in image else f"{origin}{image}"]
        return urls
