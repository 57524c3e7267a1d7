# A pending repair request whose record is lifted is closed, not refused: the subject did nothing wrong.

from django.db import migrations, models
from django.db.models import F


def relabel(apps, schema_editor):
    """Requests the lifting closed before this status existed: refused at the very time the record was
    lifted, with the lifting's reason."""
    RepairRequest = apps.get_model("credit", "RepairRequest")
    RepairRequest.objects.filter(status="rejected", record__status="lifted", decided_at=F("record__ended_at"),
                                 decision_reason=F("record__ended_reason")).update(status="closed")


def unlabel(apps, schema_editor):
    apps.get_model("credit", "RepairRequest").objects.filter(status="closed").update(status="rejected")


class Migration(migrations.Migration):

    dependencies = [
        ('credit', '0003_measure_effect_label'),
    ]

    operations = [
        migrations.AlterField(
            model_name='repairrequest',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('approved', 'Repaired'), ('rejected', 'Rejected'), ('closed', 'Closed: the record was lifted')], default='pending', max_length=10, verbose_name='status'),
        ),
        migrations.RunPython(relabel, unlabel),
    ]
