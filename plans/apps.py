from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from cases.access import page_labels
        from cases.policies import CasePart, case_ground_register

        page_labels(
            {
                "plans:case_plan": _("Plan tab"),
                "plans:start": _("New plan version"),
                "plans:handover": _("Start outflow"),
                "plans:handover_summary": _("Handover summary"),
                "plans:handover_print": _("Handover summary (print)"),
                "plans:detail": _("Plan version"),
                "plans:edit": _("Plan version"),
                "plans:print": _("Plan version (print)"),
                "plans:compare": _("Plan versions compared"),
                "plans:transition": _("Plan step"),
                "plans:goal_add": _("Plan goal"),
                "plans:goal_edit": _("Plan goal"),
                "plans:goal_delete": _("Plan goal"),
                "plans:goal_commit": _("Commitment to a goal"),
                "plans:goal_progress": _("Goal progress"),
                "plans:goal_amend": _("Goal amendment"),
                "plans:review_close": _("Look at the plan"),
                "plans:advice": _("ITAT advice"),
                "plans:application_add": _("Application at an outside body"),
                "plans:application_edit": _("Application at an outside body"),
                "plans:evaluate": _("Evaluation"),
                "plans:refer": _("Question for the expert group"),
                "plans:itat": _("ITAT meetings"),
                "plans:itat_agenda": _("ITAT agenda"),
                "plans:referrals": _("Expert group questions"),
                "plans:referral_answer": _("Expert group question"),
                "plans:commitments": _("Commitments"),
                "plans:case_budget": _("Budget tab"),
                "plans:budget_request_add": _("Budget request"),
                "plans:budget_request": _("Budget request"),
                "plans:budget_decide": _("Budget request"),
                "plans:budget_withdraw": _("Budget request"),
                "plans:budget_payment": _("Budget payment"),
                "plans:budget_report": _("Budget use"),
            }
        )
        from cases.selectors import CASE_HISTORY_SOURCES
        from plans.policies import EXPERTGROEP_GROUND, ITAT_GROUND
        from plans.selectors import plan_history_sources

        case_ground_register(ITAT_GROUND)
        case_ground_register(EXPERTGROEP_GROUND)

        source = (CasePart.PLAN, plan_history_sources)
        if source not in CASE_HISTORY_SOURCES:
            CASE_HISTORY_SOURCES.append(source)

        from cases.pages import CASE_TABS, TRANSITION_PAGES

        TRANSITION_PAGES["start_outflow"] = "plans:handover"

        for tab in (
            ("plan", _("Plan van aanpak"), "plans:case_plan"),
            ("budget", _("Budget"), "plans:case_budget"),
        ):
            if tab not in CASE_TABS:
                CASE_TABS.append(tab)

        from cases.access import access_subject
        from plans import models

        access_subject(models.Plan, case="case")
        access_subject(models.ExpertGroupReferral, case="case")
        for model in (models.PlanGoal, models.ItatAdvice, models.Evaluation):
            access_subject(model, case="plan__case")
        access_subject(models.GoalEvaluation, case="evaluation__plan__case")
        access_subject(models.GoalProgress, case="goal__plan__case")
        access_subject(models.PlanAmendment, case="plan__case")
        access_subject(models.Application, case="goal__plan__case")
        access_subject(models.BudgetRequest, case="case")
        access_subject(models.BudgetPayment, case="request__case")

        from cases.events import case_event
        from plans.reviews import open_review_on_event

        case_event.connect(open_review_on_event, dispatch_uid="plans.reviews")
        # The API's agenda of a meeting: the plans set on it by the view.
        access_subject(models.ItatMeeting, children="agenda")
