"""What goes into fixtures/ and in which order."""

from django.apps import apps
from django.core.serializers import sort_dependencies

FIXTURE_NAME = "alms-2004"


def models_in_dependency_order() -> list:
    """The races app's models, each after the models its natural keys use."""
    app_config = apps.get_app_config("races")
    return sort_dependencies([(app_config, None)], allow_cycles=False)
