from django.apps import AppConfig
from django.db.backends.signals import connection_created


class RacesConfig(AppConfig):
    name = "races"
    verbose_name = "Season data"

    def ready(self):
        from .search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
