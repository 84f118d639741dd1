from django.db import migrations

# Copied from races.permissions, as a migration must not import live app code.
EDITORS_GROUP = "Editors"
NEW_MODELS = ["source", "entrysource", "racesource", "classcount"]
ACTIONS = ["add", "change", "delete", "view"]


def give_editors_the_new_models(apps, schema_editor=None):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="races",
            codename__in=[f"{a}_{m}" for m in NEW_MODELS for a in ACTIONS],
        )
    )


class Migration(migrations.Migration):
    """Editors may add, change and delete sources, their links and the counts."""

    dependencies = [
        ("races", "0015_sources_and_race_facts"),
    ]

    operations = [
        migrations.RunPython(give_editors_the_new_models, migrations.RunPython.noop),
    ]
