"""Device PW stored hashed (existing clear-text PWs are hashed in place), security events, rejected-traffic
counters (issue 13: the gateway under attack)."""

from django.db import migrations, models


def hash_existing(apps, schema_editor):
    from ecer.monitoring.secrets import hash_secret, is_hashed

    Device = apps.get_model("monitoring", "Device")
    for device in Device.objects.all().only("pk", "pw_hash"):
        if not is_hashed(device.pw_hash):  # the column still holds the clear-text PW
            Device.objects.filter(pk=device.pk).update(pw_hash=hash_secret(device.pw_hash))


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0001_initial"),
    ]

    operations = [
        migrations.RenameField("device", "pw", "pw_hash"),
        migrations.AlterField(
            model_name="device", name="pw_hash",
            field=models.CharField(editable=False, max_length=128, verbose_name="password PW (hashed)"),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
        migrations.CreateModel(
            name="SecurityEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, verbose_name="time")),
                ("kind", models.CharField(max_length=32, verbose_name="event")),
                ("address", models.CharField(blank=True, max_length=64, verbose_name="address")),
                ("mn", models.CharField(blank=True, max_length=64, verbose_name="logger MN")),
                ("count", models.BigIntegerField(default=0, verbose_name="count")),
                ("seconds", models.FloatField(default=0, verbose_name="block seconds")),
                ("detail", models.CharField(blank=True, max_length=300, verbose_name="detail")),
            ],
            options={"verbose_name": "security event", "verbose_name_plural": "security events",
                     "ordering": ["-at"]},
        ),
        migrations.CreateModel(
            name="RejectedTraffic",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("verdict", models.CharField(max_length=16, verbose_name="verdict")),
                ("address", models.CharField(max_length=64, verbose_name="address")),
                ("reason", models.CharField(max_length=40, verbose_name="reason")),
                ("count", models.BigIntegerField(default=0, verbose_name="count")),
                ("bytes", models.BigIntegerField(default=0, verbose_name="bytes")),
                ("first_seen", models.DateTimeField(verbose_name="first seen")),
                ("last_seen", models.DateTimeField(verbose_name="last seen")),
                ("samples", models.JSONField(blank=True, default=list, verbose_name="samples")),
            ],
            options={"verbose_name": "rejected traffic", "verbose_name_plural": "rejected traffic",
                     "ordering": ["-last_seen"],
                     "constraints": [models.UniqueConstraint(fields=("verdict", "address", "reason"),
                                                             name="uniq_rejected_traffic")]},
        ),
    ]
