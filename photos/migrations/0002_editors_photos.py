"""Editors may add, change, delete and view photos.

The helper is copied here, not imported: a migration must not depend on
live app code.
"""

from django.db import migrations

EDITORS_GROUP = "Editors"
CODENAMES = [f"{action}_photo" for action in ("add", "change", "delete", "view")]


def give_editors_photo_permissions(apps, schema_editor):
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
            content_type__app_label="photos", codename__in=CODENAMES
        )
    )


def take_them_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=EDITORS_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="photos", codename__in=CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0001_initial"),
        ("races", "0016_editors_sources"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(give_editors_photo_permissions, take_them_back),
    ]
