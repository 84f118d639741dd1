"""The Editors group: who may change season data in the admin."""

EDITORS_GROUP = "Editors"

# Every model of the races app; editors may add, change, delete and view them,
# apart from ADMINISTRATOR_ONLY.
SEASON_DATA_MODELS = [
    "season",
    "pointsscale",
    "circuit",
    "carclass",
    "classregulation",
    "manufacturer",
    "carmodel",
    "team",
    "driver",
    "race",
    "entry",
    "crew",
    "story",
    "source",
    "entrysource",
    "racesource",
    "classcount",
]
# Models of other apps that editors look after like season data, by app.
OTHER_APPS_MODELS = {"photos": ["photo"]}
ACTIONS = ["add", "change", "delete", "view"]
# A season goes with its points scales and class regulations, which "Recently
# deleted" does not bring back.
ADMINISTRATOR_ONLY = {"delete_season"}


def sync_editors_group(apps, schema_editor=None):
    """Create the Editors group with exactly the season data permissions."""
    from django.contrib.auth.management import create_permissions
    from django.db.models import Q

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    codenames = {
        f"{a}_{m}" for m in SEASON_DATA_MODELS for a in ACTIONS
    } - ADMINISTRATOR_ONLY
    wanted = Q(content_type__app_label="races", codename__in=codenames)
    for app_label, models in OTHER_APPS_MODELS.items():
        other = {f"{a}_{m}" for m in models for a in ACTIONS}
        wanted |= Q(content_type__app_label=app_label, codename__in=other)
    group.permissions.set(Permission.objects.filter(wanted))
