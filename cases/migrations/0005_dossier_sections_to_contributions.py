# Moves every single-author basisdossier section into contributions, with its history.
#
# Forward, per section:
# - organisation/author/text/no_information/updated_at/version become the organisation's
#   contribution (part "contribution");
# - restricted_text (the GGD screening of section 6) becomes a contribution of part "screening"
#   of the section's organisation when that organisation handles health, else of the
#   organisation with code "GGD";
# - the section's historical rows become historical rows of those contributions (same date and
#   user), so the case history keeps every change.
# Sections nobody wrote get no contribution: who is asked for a dossier still being compiled is
# up to the programme team (see cases.services.dossier_request_add).
#
# Backward: possible while each section has at most one answered contribution per part (as after
# the forward step); a section with several organisations' answers cannot go back into one
# column and stops the reversal with IrreversibleError. The contributions and their history are
# removed; history is not moved back into the sections' history.

from django.db import migrations
from django.db.migrations.exceptions import IrreversibleError
from django.utils import timezone

CONTRIBUTION, SCREENING = "contribution", "screening"


def _history_row(Historical, contribution, record, *, first, **values):
    return Historical(
        id=contribution.pk,
        section_id=contribution.section_id,
        organisation_id=contribution.organisation_id,
        part=contribution.part,
        created_at=contribution.created_at,
        history_date=record.history_date,
        history_user_id=record.history_user_id,
        history_type="+" if first else "~",
        history_change_reason=None,
        **values,
    )


def _current_state_row(Historical, contribution):
    return Historical(
        id=contribution.pk,
        section_id=contribution.section_id,
        organisation_id=contribution.organisation_id,
        part=contribution.part,
        author_id=contribution.author_id,
        text=contribution.text,
        nothing_known=contribution.nothing_known,
        created_at=contribution.created_at,
        updated_at=contribution.updated_at,
        version=contribution.version,
        history_date=contribution.updated_at or contribution.created_at,
        history_user_id=contribution.author_id,
        history_type="+",
        history_change_reason=None,
    )


def sections_to_contributions(apps, schema_editor):
    Section = apps.get_model("cases", "DossierSection")
    HistoricalSection = apps.get_model("cases", "HistoricalDossierSection")
    Contribution = apps.get_model("cases", "DossierContribution")
    HistoricalContribution = apps.get_model("cases", "HistoricalDossierContribution")
    Organisation = apps.get_model("partners", "Organisation")

    health_ids = set(Organisation.objects.filter(handles_health=True).values_list("pk", flat=True))
    ggd_id = Organisation.objects.filter(code="GGD").values_list("pk", flat=True).first()
    now = timezone.now()
    history_rows = []

    for section in Section.objects.order_by("pk").iterator():
        records = list(
            HistoricalSection.objects.filter(id=section.pk).order_by("history_date", "history_id")
        )
        writes_main = bool(section.text.strip()) or section.no_information
        if section.organisation_id is None and writes_main:
            raise RuntimeError(
                f"Basisdossier section {section.pk} has text but no organisation: attribute it "
                "to an organisation before migrating."
            )
        first_written = next((r.history_date for r in records if r.organisation_id), None)
        main = None
        if section.organisation_id is not None:
            main = Contribution.objects.create(
                section_id=section.pk,
                organisation_id=section.organisation_id,
                part=CONTRIBUTION,
                author_id=section.author_id,
                text=section.text,
                nothing_known=section.no_information and not section.text.strip(),
                created_at=first_written or section.updated_at or now,
                updated_at=section.updated_at,
                version=section.version,
            )

        screening_org = (
            section.organisation_id if section.organisation_id in health_ids else ggd_id
        )
        screening_history = [r for r in records if r.restricted_text.strip()]
        screening = None
        if section.restricted_text.strip() or screening_history:
            if screening_org is None:
                raise RuntimeError(
                    f"Basisdossier section {section.pk} has a GGD screening but there is no "
                    "health organisation to attribute it to (no organisation with code GGD)."
                )
            screening = Contribution.objects.create(
                section_id=section.pk,
                organisation_id=screening_org,
                part=SCREENING,
                author_id=section.author_id if screening_org == section.organisation_id else None,
                text=section.restricted_text,
                created_at=screening_history[0].history_date if screening_history else now,
                updated_at=section.updated_at,
                version=0,
            )

        main_state = screening_text = last_screening_row = None
        screening_rows = 0
        for record in records:
            state = (record.organisation_id, record.author_id, record.text, record.no_information)
            if main is not None and record.organisation_id is not None and state != main_state:
                history_rows.append(
                    _history_row(
                        HistoricalContribution,
                        main,
                        record,
                        first=main_state is None,
                        author_id=record.author_id,
                        text=record.text,
                        nothing_known=record.no_information and not record.text.strip(),
                        updated_at=record.updated_at,
                        version=record.version,
                    )
                )
                main_state = state
            if screening is not None and record.restricted_text != (screening_text or ""):
                if screening_text is None and not record.restricted_text.strip():
                    continue
                screening_rows += 1
                last_screening_row = _history_row(
                    HistoricalContribution,
                    screening,
                    record,
                    first=screening_text is None,
                    author_id=record.author_id if screening.author_id else None,
                    text=record.restricted_text,
                    nothing_known=False,
                    updated_at=record.updated_at,
                    version=screening_rows,
                )
                history_rows.append(last_screening_row)
                screening_text = record.restricted_text

        if screening is not None:
            screening.version = max(screening_rows, 1)
            screening.save(update_fields=["version"])
        for contribution, written in ((main, main_state), (screening, screening_text)):
            answered = contribution is not None and (
                contribution.text.strip() or contribution.nothing_known
            )
            if answered and written is None:
                # No history to carry over (written outside simple-history): record the state.
                history_rows.append(_current_state_row(HistoricalContribution, contribution))
        if screening is not None and not screening.text.strip():
            # Written once and emptied again: the screening is gone; its history stays.
            if last_screening_row is not None:
                gone = HistoricalContribution(
                    **{
                        f.attname: getattr(last_screening_row, f.attname)
                        for f in HistoricalContribution._meta.concrete_fields
                        if f.attname != "history_id"
                    }
                )
                gone.history_type = "-"
                history_rows.append(gone)
            screening.delete()

    HistoricalContribution.objects.bulk_create(history_rows, batch_size=500)


def contributions_to_sections(apps, schema_editor):
    Section = apps.get_model("cases", "DossierSection")
    Contribution = apps.get_model("cases", "DossierContribution")
    for section in Section.objects.order_by("pk").iterator():
        answered = [
            c
            for c in Contribution.objects.filter(section_id=section.pk).order_by("pk")
            if c.text.strip() or c.nothing_known
        ]
        main = [c for c in answered if c.part == CONTRIBUTION]
        screening = [c for c in answered if c.part == SCREENING]
        if len(main) > 1 or len(screening) > 1:
            raise IrreversibleError(
                f"Basisdossier section {section.pk} has contributions of several organisations; "
                "they do not fit the single-author section of before."
            )
        owner = (main or screening or [None])[0]
        if owner is None:
            continue
        section.organisation_id = owner.organisation_id
        section.author_id = owner.author_id
        section.text = main[0].text if main else ""
        section.no_information = bool(main and main[0].nothing_known)
        section.restricted_text = screening[0].text if screening else ""
        section.updated_at = max(c.updated_at or c.created_at for c in answered)
        section.version = main[0].version if main else 0
        section.save()
    # Back to the state before 0005: the columns hold the content again.
    Contribution.objects.all().delete()
    apps.get_model("cases", "HistoricalDossierContribution").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_dossiercontribution"),
        ("partners", "0002_seed_kernpartners"),
    ]

    operations = [
        migrations.RunPython(sections_to_contributions, contributions_to_sections),
    ]
