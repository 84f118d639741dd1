"""What goes into fixtures/ and in which order."""

from django.apps import apps
from django.core.serializers import sort_dependencies
from simple_history.models import HistoricalChanges

FIXTURE_NAME = "alms-2004"


def models_in_dependency_order() -> list:
    """The races app's models, each after the models its natural keys use.

    The change history (historical models) stays in the database: fixtures
    hold the season as it is, not how it came to be.
    """
    app_config = apps.get_app_config("races")
    season_models = [
        model
        for model in app_config.get_models()
        if not issubclass(model, HistoricalChanges)
    ]
    return sort_dependencies([(app_config, season_models)], allow_cycles=False)
