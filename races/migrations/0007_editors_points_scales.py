from django.db import migrations

from races.permissions import sync_editors_group


class Migration(migrations.Migration):
    """Give the Editors group the permissions for points scales."""

    dependencies = [
        ("races", "0006_points_rules"),
    ]

    operations = [
        migrations.RunPython(sync_editors_group, migrations.RunPython.noop),
    ]
