from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class RacesConfig(AppConfig):
    name = "races"
    verbose_name = "Season data"

    def ready(self):
        from almsweb.cache import data_changed

        from . import context_processors  # noqa: F401 (connects season_changed)
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)

        # Cache invalidation, not domain logic: any write to the season data
        # (admin, commands, fixtures) or a deployment's migrate makes every
        # cached public page stale. QuerySet.update() and bulk_create() send
        # no signals; code using them must call bump_data_version() itself.
        for model in self.get_models(include_auto_created=True):
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(data_changed, sender=model)
        post_migrate.connect(data_changed, sender=self)
