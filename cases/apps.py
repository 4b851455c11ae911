from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


def migrated(apps, app_label: str, model_name: str) -> bool:
    """Whether the model's table exists after this migrate run (`apps` is the migration state
    post_migrate is sent with): not after `migrate <app> zero`, where seeding must not run."""
    if apps is None:
        return True
    try:
        apps.get_model(app_label, model_name)
    except LookupError:
        return False
    return True


def _seed_reference_data(sender, apps=None, **kwargs) -> None:
    # Again after a flush (transactional tests); a no-op when the programmes exist.
    if not migrated(apps, "cases", "Programme"):
        return
    from cases.models import Programme
    from cases.seeds import seed_legal_bases, seed_programmes

    seed_programmes(Programme)
    if migrated(apps, "cases", "LegalBasis"):
        from cases.models import LegalBasis

        # The disclosure register refers to them (a flush of the transactional tests too).
        seed_legal_bases(LegalBasis)


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from cases.access import page_labels

        page_labels(
            {
                "home": _("Home page (work queue)"),
                "cases:list": _("Case list"),
                "cases:register": _("Register a case"),
                "cases:outflow_signals": _("Outflow signals"),
                "cases:detail": _("Case overview"),
                "cases:dossier": _("Basisdossier"),
                "cases:section": _("Basisdossier section"),
                "cases:section_screening": _("GGD screening"),
                "cases:dossier_request_add": _("Basisdossier contribution asked"),
                "cases:dossier_request_remove": _("Basisdossier contribution asked"),
                "cases:advice": _("IVG advice"),
                "cases:timeline": _("Timeline"),
                "cases:history": _("Case history"),
                "cases:minors": _("Followed minors"),
                "cases:minor_end": _("Followed minors"),
                "cases:team_add": _("Case team"),
                "cases:team_leave": _("Case team"),
                "cases:caseload_transfer": _("Hand over a caseload"),
                "cases:transition": _("Case step"),
                "cases:person_list": _("Person list"),
                "cases:person_detail": _("Person's file"),
                "cases:person_create": _("New person"),
                "cases:person_relation": _("Family relation"),
                "cases:person_offence": _("Offence record"),
                "cases:access_log": _("Access log"),
                "cases:access_log_person": _("Who looked at a person"),
                "cases:inzage_search": _("Inzage request"),
                "cases:inzage": _("AVG inzage"),
                "api": _("API"),
            }
        )
        from cases.policies import reset_permission_ids

        post_migrate.connect(_seed_reference_data, sender=self)
        post_migrate.connect(reset_permission_ids, sender=self)
        from cases.migration_checks import refuse_unsafe_reversal

        pre_migrate.connect(refuse_unsafe_reversal, sender=self)
        _register_access_subjects()


def _register_access_subjects() -> None:
    """What of cases is personal data, for the access log (`cases.access`)."""
    from cases import models
    from cases.access import access_subject

    access_subject(models.Person, persons=("",), children="relations")
    access_subject(models.Case, case="")
    access_subject(models.FamilyRelation, persons=("person", "relative"))
    access_subject(models.OffenceRecord, persons=("person",))
    access_subject(models.MinorWatch, case="case", persons=("relative",))
    for model in (
        models.Basisdossier,
        models.CaseStatusChange,
        models.CaseTeamMembership,
        models.TimelineEvent,
    ):
        access_subject(model, case="case")
    access_subject(models.DossierSection, case="dossier__case")
    access_subject(models.DossierContribution, case="section__dossier__case")
    access_subject(models.AccessLogEntry, children="shown_subjects")
    access_subject(models.AccessLogSubject, pairs=lambda s: [(s.person_id, s.case_id)])
