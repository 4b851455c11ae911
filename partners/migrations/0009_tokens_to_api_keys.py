"""Every DRF token (a key stored in clear) becomes a hashed API key of the same secret, so that
partner systems keep working, with every scope and 90 days to be rotated; then the clear keys
are deleted."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

ALL_SCOPES = ["read", "offences", "timeline", "commitments", "agreements", "plans", "cases"]


def forwards(apps, schema_editor):
    from rest_framework_api_key.crypto import KeyGenerator, concatenate

    Token = apps.get_model("authtoken", "Token")
    ApiKey = apps.get_model("partners", "ApiKey")
    generator = KeyGenerator()
    expiry = timezone.now() + timedelta(days=90)
    for token in Token.objects.all():
        prefix = token.key[:8]
        hashed = generator.hash(token.key)
        ApiKey.objects.create(
            id=concatenate(prefix, hashed),
            prefix=prefix,
            hashed_key=hashed,
            name="Token from before hashing",
            user_id=token.user_id,
            scopes=ALL_SCOPES,
            expiry_date=expiry,
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0008_api_keys"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
