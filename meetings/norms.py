"""The norms a programme works by, each marked as a fact of the report or a local agreement
(issue 15; docs/decisions/0011): the report fixes the 11 leefgebieden, ITAT weekly, the UVO
once per 8 weeks and the escalation ladder; how soon a plan is due, the evaluation interval,
when the UVO clock starts, the casuistry rhythm, inflow bounds and the days to look at the plan
after an event are agreements — the programme's own where it set one, else Regie's setting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases.models import Leefgebied, OffenceKind, TimelineKind, UvoClockStart
from meetings.models import EscalationLevel
from meetings.reminders import uvo_clock_rule
from plans.workflow import REVIEW_EVENT_DAYS

REPORT = "report"
PROGRAMME = "programme"
REGIE = "regie"

SOURCES = {
    REPORT: gettext_lazy("Fact of the report"),
    PROGRAMME: gettext_lazy("Local agreement of this programme"),
    REGIE: gettext_lazy("Local agreement (Regie's setting)"),
}

WEEKDAYS = [
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]


@dataclass(frozen=True)
class Norm:
    label: str
    value: str
    source: str

    @property
    def source_label(self) -> str:
        return str(SOURCES[self.source])


def _days(n: int) -> str:
    return _("%(n)s days") % {"n": n}


def programme_norms(programme) -> list[Norm]:
    kinds = ", ".join(str(OffenceKind(k).label) for k in programme.offence_kinds or [])
    inflow = (
        _("at least %(n)s (%(kinds)s) in %(years)s years")
        % {"n": programme.min_offences, "kinds": kinds or "—", "years": programme.period_years}
        if programme.min_offences
        else _("on referral (no offence criterion)")
    )
    low, high = programme.min_age, programme.max_age
    if low and high:
        ages = _("%(low)s to %(high)s years") % {"low": low, "high": high}
    elif low:
        ages = _("from %(low)s years") % {"low": low}
    elif high:
        ages = _("up to %(high)s years") % {"high": high}
    else:
        ages = "—"
    plan_days = programme.plan_submit_days or settings.REGIE_PLAN_SUBMIT_DAYS
    own_events = programme.event_review_days or {}
    events = "; ".join(
        f"{TimelineKind(kind).label}: {_days(own_events.get(kind) or days)}"
        for kind, days in REVIEW_EVENT_DAYS.items()
    )
    casuistry_weeks = programme.casuistry_weeks or settings.REGIE_CASUISTRY_WEEKS
    casuistry_anchor = programme.casuistry_anchor or date.fromisoformat(
        settings.REGIE_CASUISTRY_ANCHOR
    )
    ladder = "; ".join(
        f"{label}: {_days(settings.REGIE_ESCALATION_DAYS[value])}"
        for value, label in EscalationLevel.choices
    )
    return [
        Norm(_("Leefgebieden"), str(len(Leefgebied)), REPORT),
        Norm(
            _("ITAT meets"),
            _("weekly, on %(day)s") % {"day": WEEKDAYS[settings.REGIE_ITAT_WEEKDAY]},
            REPORT,
        ),
        Norm(
            _("UVO"),
            _("at least once every %(n)s weeks") % {"n": settings.REGIE_UVO_CADENCE_WEEKS},
            REPORT,
        ),
        Norm(
            _("Escalation ladder"),
            " → ".join(str(label) for _v, label in EscalationLevel.choices),
            REPORT,
        ),
        Norm(_("Inflow: offences"), inflow, PROGRAMME),
        Norm(_("Inflow: age"), ages, PROGRAMME),
        Norm(
            _("Plan due after the start of regie"),
            _days(plan_days),
            PROGRAMME if programme.plan_submit_days else REGIE,
        ),
        Norm(
            _("Evaluation interval"),
            _("%(n)s weeks") % {"n": programme.evaluation_interval_weeks},
            PROGRAMME,
        ),
        Norm(
            _("Look at the plan after an event"),
            events,
            PROGRAMME if own_events else REGIE,
        ),
        Norm(
            _("The UVO clock starts"),
            _("%(start)s, then at each UVO held")
            % {"start": UvoClockStart(uvo_clock_rule(programme.uvo_clock_start)).label},
            PROGRAMME if programme.uvo_clock_start else REGIE,
        ),
        Norm(
            _("A UVO counts as overdue"),
            _("%(n)s days after it was due") % {"n": settings.REGIE_UVO_GRACE_DAYS},
            REGIE,
        ),
        Norm(
            _("Casuistry of accounthouder and regisseurs"),
            ngettext("every week from %(day)s", "every %(n)s weeks from %(day)s", casuistry_weeks)
            % {"n": casuistry_weeks, "day": date_format(casuistry_anchor, "SHORT_DATE_FORMAT")},
            PROGRAMME if programme.casuistry_weeks or programme.casuistry_anchor else REGIE,
        ),
        Norm(_("Time per level of the escalation ladder"), ladder, REGIE),
        Norm(
            _("ITAT reads a case after its decision"),
            _("%(n)s weeks") % {"n": settings.REGIE_ITAT_READ_WEEKS},
            REGIE,
        ),
        Norm(
            _("Retention after closing"),
            _("%(n)s years") % {"n": programme.retention_years or settings.REGIE_RETENTION_YEARS},
            PROGRAMME if programme.retention_years else REGIE,
        ),
    ]
