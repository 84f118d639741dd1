"""ClassRegulation.history becomes `background`: how the class came about.

The old name read like the change history (`history = HistoricalRecords()`)
of the models that keep one.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("races", "0013_story_race_from_entry")]

    operations = [
        migrations.RenameField(
            model_name="classregulation", old_name="history", new_name="background"
        ),
        migrations.AlterField(
            model_name="classregulation",
            name="background",
            field=models.TextField(
                blank=True,
                help_text="How the class came about and what changed for this season.",
            ),
        ),
    ]
