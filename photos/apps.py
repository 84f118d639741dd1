from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = "Photos"

    def ready(self):
        from almsweb.cache import watch_for_changes

        # As for the season data (races.apps): a changed photo makes every
        # cached public page stale.
        watch_for_changes(self)
