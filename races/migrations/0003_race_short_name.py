from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("races", "0002_editors_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="race",
            name="short_name",
            field=models.CharField(
                default="",
                help_text="What fans call it, e.g. 'Mid-Ohio'.",
                max_length=40,
            ),
            preserve_default=False,
        ),
    ]
