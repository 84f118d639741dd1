"""What goes into fixtures/ and in which order."""

from django.apps import apps
from django.core.serializers import sort_dependencies

from .models import NaturalKeyModel

FIXTURE_NAME = "alms-2004"


def is_season_data(model) -> bool:
    """Season data is what fixtures name by natural key.

    The change history (historical models) stays in the database: fixtures
    hold the season as it is, not how it came to be. So does the marker
    that the database has held a season: it describes this database.
    """
    return issubclass(model, NaturalKeyModel)


def models_in_dependency_order() -> list:
    """The races app's season data models, each after the models its keys use."""
    app_config = apps.get_app_config("races")
    season_models = [
        model for model in app_config.get_models() if is_season_data(model)
    ]
    return sort_dependencies([(app_config, season_models)], allow_cycles=False)


def holds_season_data() -> bool:
    """Whether any row of season data (a season, driver, circuit…) is stored."""
    return any(
        model._default_manager.exists() for model in models_in_dependency_order()
    )
