from django.db import migrations


def make_spaces(apps, schema_editor):
    School = apps.get_model("sis", "School")
    Group = apps.get_model("sis", "Group")
    Space = apps.get_model("messaging", "Space")
    spaces = []
    for school_id in School.objects.values_list("pk", flat=True):
        spaces.append(Space(school_id=school_id, kind="school"))
        spaces.append(Space(school_id=school_id, kind="colleagues"))
    for group_id, school_id in Group.objects.values_list("pk", "school_id"):
        spaces.append(Space(school_id=school_id, kind="group", group_id=group_id))
    Space.objects.bulk_create(spaces, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(make_spaces, migrations.RunPython.noop)]
