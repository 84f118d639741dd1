from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class RacesConfig(AppConfig):
    name = "races"
    verbose_name = "Season data"

    def ready(self):
        from almsweb.cache import data_changed, watch_for_changes

        from . import context_processors  # noqa: F401 (connects season_changed)
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)

        # Cache invalidation, not domain logic: any write to the season data
        # (admin, commands, fixtures) or a deployment's migrate makes every
        # cached public page stale. QuerySet.update() and bulk_create() send
        # no signals; code using them must call bump_data_version() itself.
        watch_for_changes(self)
        post_migrate.connect(data_changed, sender=self)
