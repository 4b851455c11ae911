"""Domain events: what happened to a case that someone must be told of.

Apps lower in the chain (`cases`, `plans`) cannot reach the inbox, which lives in `meetings`
(dependencies point one way), so their services announce what happened and `meetings.notify`
listens. `announce` is called inside the service's transaction, after the change: a receiver's
writes commit or roll back with it.

Events (`event` name, then the details each carries):
- `appointed`: the regisseur and accounthouder were appointed.
- `contributions_asked`: `organisations` (ids) asked for their part of the basisdossier.
- `plan_submitted`, `plan_returned`, `plan_approved`: `plan`.
- `commitment_declined`: `goal`.
- `goal_progress`: `goal`, `progress` (recorded by someone other than the regisseur).
- `plan_amended`: `plan`, `goal`, `fields` (their labels).
- `referral_asked`, `referral_answered`: `referral`.
- `team_joined`, `team_left`: `organisation`.
- `timeline`: `timeline_event`, shared with the case team.
- `budget_requested`, `budget_decided`: `budget_request` (plans.budget).
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent with `event` (one of the names above), `case`, `by` and the event's details.
case_event = Signal()


def announce(event: str, *, case, by, **details) -> None:
    case_event.send(sender=None, event=event, case=case, by=by, **details)
