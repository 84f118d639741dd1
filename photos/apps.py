from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class PhotosConfig(AppConfig):
    name = "photos"
    verbose_name = "Photos"

    def ready(self):
        from almsweb.cache import data_changed

        # As for the season data (races.apps): a changed photo makes every
        # cached public page stale.
        for model in self.get_models(include_auto_created=True):
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(data_changed, sender=model)
