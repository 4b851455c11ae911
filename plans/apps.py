from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from cases.policies import CasePart, case_ground_register
        from cases.selectors import CASE_HISTORY_SOURCES
        from plans.policies import EXPERTGROEP_GROUND, ITAT_GROUND
        from plans.selectors import plan_history_sources

        case_ground_register(ITAT_GROUND)
        case_ground_register(EXPERTGROEP_GROUND)

        source = (CasePart.PLAN, plan_history_sources)
        if source not in CASE_HISTORY_SOURCES:
            CASE_HISTORY_SOURCES.append(source)

        from cases.pages import CASE_TABS

        tab = ("plan", _("Plan van aanpak"), "plans:case_plan")
        if tab not in CASE_TABS:
            CASE_TABS.append(tab)
