"""The access log names what a request showed in a child table (one row per person, and case,
shown), so that lists and searches are logged too and "who looked at this person" is one indexed
query. Each existing entry (one detail read) becomes an entry with one subject."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

COPY_SUBJECTS = """
INSERT INTO cases_accesslogsubject (entry_id, person_id, case_id)
SELECT id, person_id, case_id FROM cases_accesslogentry ORDER BY id
"""

# Back to one person per entry: the first subject's (entries without one keep no person and
# stop the reversal at the NOT NULL step, rather than inventing a person).
RESTORE_PERSON = """
UPDATE cases_accesslogentry SET
  person_id = (SELECT s.person_id FROM cases_accesslogsubject s
               WHERE s.entry_id = cases_accesslogentry.id ORDER BY s.id LIMIT 1),
  case_id = (SELECT s.case_id FROM cases_accesslogsubject s
             WHERE s.entry_id = cases_accesslogentry.id ORDER BY s.id LIMIT 1)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_programme_team_members_support_case"),
        ("partners", "0002_seed_kernpartners"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccessLogSubject",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "entry",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subjects",
                        to="cases.accesslogentry",
                        verbose_name="entry",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.person",
                        verbose_name="person",
                    ),
                ),
                (
                    "case",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="cases.case",
                        verbose_name="case",
                    ),
                ),
            ],
            options={
                "verbose_name": "access log subject",
                "verbose_name_plural": "access log subjects",
                "indexes": [
                    models.Index(fields=["person", "entry"], name="accesslog_subject_person"),
                    models.Index(fields=["case", "entry"], name="accesslog_subject_case"),
                ],
            },
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("detail", "Detail"),
                    ("list", "List"),
                    ("search", "Search"),
                    ("export", "Export"),
                ],
                default="detail",
                max_length=8,
                verbose_name="action",
            ),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="outcome",
            field=models.CharField(
                choices=[("shown", "Shown"), ("refused", "Refused")],
                default="shown",
                max_length=8,
                verbose_name="outcome",
            ),
        ),
        migrations.AddField(
            model_name="accesslogentry",
            name="query",
            field=models.CharField(blank=True, max_length=200, verbose_name="search query"),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="path",
            field=models.CharField(blank=True, max_length=500, verbose_name="path"),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="person",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="access_log",
                to="cases.person",
                verbose_name="person",
            ),
        ),
        migrations.RunSQL(COPY_SUBJECTS, reverse_sql=RESTORE_PERSON),
        migrations.RemoveIndex(model_name="accesslogentry", name="cases_acces_person__747db9_idx"),
        migrations.RemoveField(model_name="accesslogentry", name="case"),
        migrations.RemoveField(model_name="accesslogentry", name="person"),
        migrations.AlterField(
            model_name="accesslogentry",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="partners.organisation",
                verbose_name="organisation",
            ),
        ),
        migrations.AlterField(
            model_name="accesslogentry",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["user", "-at"], name="accesslog_user_at"),
        ),
        migrations.AddIndex(
            model_name="accesslogentry",
            index=models.Index(fields=["organisation", "-at"], name="accesslog_organisation_at"),
        ),
    ]
