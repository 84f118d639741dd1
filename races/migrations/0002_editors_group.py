from django.db import migrations

# Copied from races.permissions, as a migration must not import live app code.
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
]
ACTIONS = ["add", "change", "delete", "view"]
# A season goes with its points scales and class regulations, which "Recently
# deleted" does not bring back.
ADMINISTRATOR_ONLY = {"delete_season"}


def sync_editors_group(apps, schema_editor=None):
    """Create the Editors group with exactly the season data permissions."""
    from django.contrib.auth.management import create_permissions

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
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="races", codename__in=codenames
        )
    )


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("races", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(sync_editors_group, remove_editors_group),
    ]
