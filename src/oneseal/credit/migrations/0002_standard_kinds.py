"""The standard joint-punishment measures and record kinds (see credit/seed.py)."""

from django.db import migrations


def seed(apps, schema_editor):
    from oneseal.credit.seed import seed as seed_standard

    seed_standard(apps.get_model("credit", "Measure"), apps.get_model("credit", "RecordKind"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
