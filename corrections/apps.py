from django.apps import AppConfig


class CorrectionsConfig(AppConfig):
    name = "corrections"
    verbose_name = "Fans' corrections"
    default_auto_field = "django.db.models.BigAutoField"
