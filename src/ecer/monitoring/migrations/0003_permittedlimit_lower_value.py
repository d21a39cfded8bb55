from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("monitoring", "0002_device_secret_hash_security_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="permittedlimit",
            name="lower_value",
            field=models.FloatField(blank=True, help_text="lower bound where the standard gives a range (pH 6–9), else empty", null=True, verbose_name="lower limit"),
        ),
        migrations.AlterField(
            model_name="permittedlimit",
            name="limit_value",
            field=models.FloatField(help_text="upper bound of the permitted range", verbose_name="limit"),
        ),
    ]
