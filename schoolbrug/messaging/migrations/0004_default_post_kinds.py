from django.db import migrations


def make_kinds(apps, schema_editor):
    School = apps.get_model("sis", "School")
    PostKind = apps.get_model("messaging", "PostKind")
    PostKind.objects.bulk_create(
        [
            PostKind(school_id=school_id, name=name, weekly_target=target, position=position)
            for school_id in School.objects.values_list("pk", flat=True)
            for position, (name, target) in enumerate((("Groepsindruk", 2), ("Praktische mededeling", 0)))
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_announcements")]

    operations = [migrations.RunPython(make_kinds, migrations.RunPython.noop)]
