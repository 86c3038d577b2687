import zoneinfo

from django.db import migrations, models

import schoolbrug.sis.models


def reset_unknown_time_zones(apps, schema_editor):
    # Rows written before the field was validated may name a zone Python does not know; they get
    # the default zone rather than failing on every page that needs the school's date.
    School = apps.get_model("sis", "School")
    School.objects.exclude(time_zone__in=zoneinfo.available_timezones()).update(time_zone="Europe/Amsterdam")


class Migration(migrations.Migration):
    dependencies = [
        ("sis", "0003_invitation_item_failed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="school",
            name="time_zone",
            field=models.CharField(
                default="Europe/Amsterdam",
                max_length=64,
                validators=[schoolbrug.sis.models.validate_time_zone],
                verbose_name="time zone",
            ),
        ),
        migrations.RunPython(reset_unknown_time_zones, migrations.RunPython.noop),
    ]
