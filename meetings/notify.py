"""Event notifications: a step that asks something of someone tells them at once.

The services of every app call `notify` inside their own transaction, after the change: the
notifications are written with the change (both or neither) and their e-mail is queued only after
commit (`transaction.on_commit`), through the outbox (meetings.outbox), which sends each once. With
the broker down nothing is lost: the outbox's sweep sends what waits.

Need-to-know: a notification is about one part of a case (`CasePart`); it reaches only people
who read that part of that case now, never the person who acted, and it never carries content of
a goal or dossier section (only the person's name and what happened, with a link). Where it is
shown or e-mailed, visibility is asked again (meetings.policies.notification_visibility_filter).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import translation

from acvz.formats import dmy
from cases.policies import CasePart
from meetings.models import Notification, NotificationEvent
from meetings.policies import recipient_filter, user_reads_part
from meetings.work import forget_work_counts


def organisation_contacts(organisation_ids: Iterable[int]):
    """The people an organisation is reached through (`User.organisation_contact`)."""
    from partners.models import User

    return User.objects.filter(
        recipient_filter(), organisation_id__in=list(organisation_ids), organisation_contact=True
    )


def notify(
    *,
    event: NotificationEvent,
    case,
    recipients: Iterable,
    by,
    message: str,
    params: dict | None = None,
    part: CasePart,
    link: str = "",
    meeting=None,
) -> list[Notification]:
    """Tell these people (users or user ids) of `event` on `case`; return the notifications.

    `message` is a lazy translation with %-placeholders for `params` (the person's name is
    given as `name`), rendered in the site's language: the inbox and the e-mail read the same."""
    from partners.models import User

    ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    ids.discard(getattr(by, "pk", None))
    if not ids:
        return []
    people = list(User.objects.filter(recipient_filter(), pk__in=ids).order_by("pk"))
    people = [user for user in people if user_reads_part(user, case, part)]
    if not people:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        text = str(message) % {"name": case.person.full_name, **(params or {})}
    rows = Notification.objects.bulk_create(
        [
            Notification(
                case_id=case.pk,
                user=user,
                event=event,
                part=part.value,
                link=link,
                meeting=meeting,
                message=text,
            )
            for user in people
        ]
    )
    notification_ids = [n.pk for n in rows]
    transaction.on_commit(lambda: deliver(notification_ids))
    forget_work_counts([user.pk for user in people] + [getattr(by, "pk", None)])
    return rows


def deliver(notification_ids: list[int]) -> None:
    """After commit: queue their e-mail (the outbox skips whoever does not want it)."""
    from meetings.services import enqueue
    from meetings.tasks import send_notification_emails

    enqueue(send_notification_emails, notification_ids)


# --- who is told of what ------------------------------------------------------------------------


def organisation_people(*, case, organisation_ids: Iterable[int]) -> set[int]:
    """Whom an organisation on the case is reached through: its professional on the case team,
    else its contact people (as the reminders of its agreements)."""
    from cases.models import CaseTeamMembership

    wanted = set(organisation_ids)
    named = dict(
        CaseTeamMembership.objects.filter(
            case=case, organisation_id__in=wanted, left_on__isnull=True, professional__isnull=False
        ).values_list("organisation_id", "professional_id")
    )
    people = set(named.values())
    rest = wanted - set(named)
    if rest:
        people |= set(organisation_contacts(rest).values_list("pk", flat=True))
    return people


def holders_of(permission: str, *, organisation_ids: Iterable[int] | None = None) -> set[int]:
    """Active people whose role carries the permission (e.g. ITAT's `plans.review_plan`)."""
    from partners.models import User

    app_label, codename = permission.split(".")
    people = User.objects.filter(
        recipient_filter(),
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    if organisation_ids is not None:
        people = people.filter(organisation_id__in=list(organisation_ids))
    return set(people.values_list("pk", flat=True))


def directors(case) -> set[int]:
    """Who directs the case: its regisseur and accounthouder."""
    return {pk for pk in (case.regisseur_id, case.accounthouder_id) if pk}


def notify_escalation(*, case, by, escalation, action: str = "raised", **details) -> None:
    """A question reaching a level tells who answers there (the accounthouder, the programme
    team; the two bodies read no case, so they find it on their work queue); an answer, a
    decision or a step up tells the regisseur."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from meetings.escalations import answers_at
    from partners.models import User

    link = reverse("meetings:escalation", args=[escalation.pk])
    level = escalation.get_level_display()
    if action in ("raised", "escalate"):
        candidates = {case.accounthouder_id} | set(
            case.programme.team_members.values_list("pk", flat=True)
        )
        people = [
            u.pk
            for u in User.objects.filter(pk__in=candidates)
            if answers_at(u, case, escalation.level)
        ]
        notify(
            case=case,
            by=by,
            event=NotificationEvent.ESCALATION,
            recipients=people,
            message=_("An escalation about %(name)s waits for the %(level)s."),
            params={"level": level},
            part=CasePart.OVERVIEW,
            link=link,
        )
    if action in ("answer", "decide", "escalate"):
        notify(
            case=case,
            by=by,
            event=NotificationEvent.ESCALATION,
            recipients={case.regisseur_id},
            message={
                "answer": _("The %(level)s answered the escalation about %(name)s."),
                "decide": _("The %(level)s decided on the escalation about %(name)s."),
                "escalate": _("The escalation about %(name)s went up to the %(level)s."),
            }[action],
            params={"level": level},
            part=CasePart.OVERVIEW,
            link=link,
        )


def on_case_event(sender, *, event: str, case, by, **details) -> None:
    """Receiver of `cases.events.case_event`: tell whoever the event asks something of."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from partners.models import User
    from plans.models import Commitment

    plan = details.get("plan")
    case_url = reverse("cases:detail", args=[case.pk])
    common = {"case": case, "by": by}
    if event == "appointed":
        notify(
            **common,
            event=NotificationEvent.CASE_APPOINTED,
            recipients=directors(case),
            message=_("The case of %(name)s is appointed to you (regisseur: %(regisseur)s)."),
            params={"regisseur": case.regisseur.get_full_name() or case.regisseur.username},
            part=CasePart.OVERVIEW,
            link=case_url,
        )
    elif event == "handed_over":
        notify(
            **common,
            event=NotificationEvent.CASE_APPOINTED,
            recipients={case.regisseur_id},
            message=_("The case of %(name)s is handed over to you (it was %(leaving)s's)."),
            params={"leaving": details["leaving"].get_full_name() or details["leaving"].username},
            part=CasePart.OVERVIEW,
            link=case_url,
        )
        team = set(
            case.team.filter(left_on__isnull=True)
            .exclude(organisation_id=case.regie_organisation_id)
            .values_list("organisation_id", flat=True)
        )
        notify(
            **common,
            event=NotificationEvent.CASE_APPOINTED,
            recipients=organisation_people(case=case, organisation_ids=team),
            message=_("%(name)s has a new regisseur: %(regisseur)s."),
            params={"regisseur": case.regisseur.get_full_name() or case.regisseur.username},
            part=CasePart.OVERVIEW,
            link=case_url,
        )
    elif event == "contributions_asked":
        notify(
            **common,
            event=NotificationEvent.CONTRIBUTION_ASKED,
            recipients=holders_of(
                "cases.contribute_basisdossier", organisation_ids=details["organisations"]
            ),
            message=_("Your organisation is asked for its part of the basisdossier of %(name)s."),
            part=CasePart.DOSSIER,
            link=reverse("cases:dossier", args=[case.pk]),
        )
    elif event == "plan_submitted":
        link = reverse("plans:detail", args=[plan.pk])
        notify(
            **common,
            event=NotificationEvent.PLAN_SUBMITTED,
            recipients=holders_of("plans.review_plan"),
            message=_("The plan van aanpak for %(name)s is on the ITAT agenda of %(date)s."),
            params={"date": dmy(plan.itat_meeting.date)},
            part=CasePart.PLAN,
            link=link,
        )
        pending = set(
            plan.goals.filter(commitment=Commitment.PENDING).values_list(
                "responsible_organisation_id", flat=True
            )
        )
        notify(
            **common,
            event=NotificationEvent.COMMITMENT_ASKED,
            recipients=organisation_people(case=case, organisation_ids=pending),
            message=_(
                "Your organisation is asked to commit to its goals in the plan for %(name)s."
            ),
            part=CasePart.PLAN,
            link=link,
        )
    elif event in ("plan_returned", "plan_approved"):
        notify(
            **common,
            event=NotificationEvent.PLAN_RETURNED
            if event == "plan_returned"
            else NotificationEvent.PLAN_APPROVED,
            recipients=directors(case),
            message=_("ITAT returned the plan for %(name)s with advice.")
            if event == "plan_returned"
            else _("ITAT approved the plan for %(name)s."),
            part=CasePart.PLAN,
            link=reverse("plans:detail", args=[plan.pk]),
        )
    elif event == "commitment_declined":
        goal = details["goal"]
        notify(
            **common,
            event=NotificationEvent.COMMITMENT_DECLINED,
            recipients={case.regisseur_id},
            message=_("%(org)s cannot deliver a goal in the plan for %(name)s."),
            params={"org": by.organisation.name},
            part=CasePart.PLAN,
            link=reverse("plans:detail", args=[goal.plan_id]),
        )
    elif event == "goal_progress":
        goal = details["goal"]
        notify(
            **common,
            event=NotificationEvent.GOAL_PROGRESS,
            recipients={case.regisseur_id},
            message=_("%(org)s recorded progress on a goal in the plan for %(name)s."),
            params={"org": by.organisation.name if by.organisation_id else by.username},
            part=CasePart.PLAN,
            link=reverse("plans:detail", args=[goal.plan_id]) + f"#goal-{goal.pk}",
        )
    elif event == "plan_amended":
        from plans.policies import goal_is_health, goal_is_readable

        goal = details["goal"]
        team = case.team.filter(left_on__isnull=True).values_list("organisation_id", flat=True)
        people = organisation_people(case=case, organisation_ids=team) | directors(case)
        if goal_is_health(goal):  # told only to who may read that goal
            readers = User.objects.filter(pk__in=people).select_related("organisation")
            people = {u.pk for u in readers if goal_is_readable(u, goal, case=case)}
        notify(
            **common,
            event=NotificationEvent.PLAN_AMENDED,
            recipients=people,
            message=_("The plan in force for %(name)s is amended (%(fields)s)."),
            params={"fields": ", ".join(details["fields"])},
            part=CasePart.PLAN,
            link=reverse("plans:detail", args=[goal.plan_id]) + f"#goal-{goal.pk}",
        )
    elif event == "escalation":
        notify_escalation(case=case, by=by, **details)
    elif event == "referral_asked":
        notify(
            **common,
            event=NotificationEvent.REFERRAL_ASKED,
            recipients=holders_of("plans.answer_referral"),
            message=_("The regisseur of %(name)s asks the expert group for advice."),
            part=CasePart.REFERRAL,
            link=reverse("plans:referral_answer", args=[details["referral"].pk]),
        )
    elif event == "referral_answered":
        notify(
            **common,
            event=NotificationEvent.REFERRAL_ANSWERED,
            recipients={case.regisseur_id},
            message=_("The expert group answered the question about %(name)s."),
            part=CasePart.REFERRAL,
            link=reverse("cases:timeline", args=[case.pk]),
        )
    elif event in ("team_joined", "team_left"):
        organisation = details["organisation"]
        joined = event == "team_joined"
        recipients = directors(case)
        if joined:
            recipients |= organisation_people(case=case, organisation_ids={organisation.pk})
        notify(
            **common,
            event=NotificationEvent.TEAM_JOINED if joined else NotificationEvent.TEAM_LEFT,
            recipients=recipients,
            message=_("%(org)s joined the case team of %(name)s.")
            if joined
            else _("%(org)s left the case team of %(name)s."),
            params={"org": organisation.name},
            part=CasePart.OVERVIEW,
            link=case_url,
        )
    elif event in ("budget_requested", "budget_decided"):
        # The case and the decision only: a request's description may hold health content.
        budget_request = details["budget_request"]
        link = reverse("plans:budget_request", args=[budget_request.pk])
        if event == "budget_requested":
            notify(
                **common,
                event=NotificationEvent.BUDGET_REQUESTED,
                recipients={case.accounthouder_id},
                message=_("A budget request for %(name)s waits for your decision."),
                part=CasePart.BUDGET,
                link=link,
            )
        else:
            notify(
                **common,
                event=NotificationEvent.BUDGET_DECIDED,
                recipients={case.regisseur_id},
                message=_("The budget request for %(name)s is approved.")
                if budget_request.status == "approved"
                else _("The budget request for %(name)s is rejected."),
                part=CasePart.BUDGET,
                link=link,
            )
    elif event == "timeline":
        # A justice-chain event opened a look at the plan (plans.reviews): say by when.
        review = getattr(details["timeline_event"], "plan_review", None)
        notify(
            **common,
            event=NotificationEvent.TIMELINE,
            recipients={case.regisseur_id},
            message=_("%(org)s shared an event on the timeline of %(name)s.")
            if review is None
            else _(
                "%(org)s shared an event on the timeline of %(name)s: look at the plan by %(due)s."
            ),
            params={
                "org": by.organisation.name if by.organisation_id else by.username,
                **({"due": dmy(review.due_on)} if review is not None else {}),
            },
            part=CasePart.TIMELINE,
            link=reverse("cases:timeline", args=[case.pk]),
        )
