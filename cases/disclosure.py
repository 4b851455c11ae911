"""The disclosure register (verstrekkingen): every time personal data leave the system, to
whom, what, when and on which basis (NEN 7513 / AVG art. 30 and 15).

The ways data leave, and where each is recorded:
- an organisation joins a case team and gains access (`cases.services._team_join`);
- a partner system reads a person or case through the API with its token (the access log's
  entry carries the basis: `cases.access.AccessRecord.write`, no second copy per row);
- an e-mail naming the person is accepted by the mail server (`meetings.outbox`);
- an export with personal data is downloaded (the access-log CSV, `cases.views`);
- the person's own data are handed over (the inzage export, `cases.inzage`).
Webhooks (once they exist) record through `record` with channel "webhook".

The basis of each way is the setting REGIE_DISCLOSURE_BASIS (codes of `LegalBasis`, which the
beheerder keeps)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from cases.models import (
    AccessLogSubject,
    Disclosure,
    DisclosureChannel,
    LegalBasis,
    Person,
    TeamRole,
)

# What left, as the register stores it: in English, whatever the language of the request that
# wrote it (the register is append-only and read in any language); `described` shows it in the
# reader's language. Each way of leaving writes through one of these.
ACCESS_LOG_EXPORT = "access log export (CSV)"
INZAGE_EXPORT = "inzage: everything stored about the person (JSON)"
_EMAIL = "e-mail: "
#: The recipient of an inzage export, as stored (read in the reader's language: `recipient_of`).
#: Rows written before 2026-12 hold the words of the writer's language (Dutch): the register is
#: append-only, so they are read as they are.
PERSON_CONCERNED = "the person concerned"
_PERSON_CONCERNED_AS_STORED = frozenset({PERSON_CONCERNED, "de betrokkene"})
_TEAM_JOINED = "case team ({role}): the case as far as the organisation's need-to-know"
_TEAM = re.compile(re.escape(_TEAM_JOINED).replace(re.escape("{role}"), r"(\w+)") + r"\Z")


def team_joined(role: str) -> str:
    return _TEAM_JOINED.format(role=role)


def e_mail(title: str) -> str:
    return f"{_EMAIL}{title}"[:200]


def described(what: str) -> str:
    """A stored description in the active language; one the register does not write itself
    (none today) is shown as stored."""
    if what == ACCESS_LOG_EXPORT:
        return _("Access log export (CSV)")
    if what == INZAGE_EXPORT:
        return _("Inzage: everything stored about the person (JSON)")
    if what.startswith(_EMAIL):
        return _("E-mail: %(title)s") % {"title": what.removeprefix(_EMAIL)}
    if team := _TEAM.match(what):
        label = dict(TeamRole.choices).get(team[1], team[1])
        return _("Case team (%(role)s): the case as far as the organisation's need-to-know") % {
            "role": label
        }
    return what


def recipient_of(stored: str) -> str:
    """A stored recipient in the active language (the inzage's; any other as stored)."""
    return _("the person concerned") if stored in _PERSON_CONCERNED_AS_STORED else stored


def basis_code(channel: str) -> str:
    return settings.REGIE_DISCLOSURE_BASIS[channel]


def record(
    *,
    channel: str,
    subjects: Iterable[tuple[int, int | None]],
    what: str,
    recipient_organisation_id: int | None = None,
    recipient_user_id: int | None = None,
    recipient: str = "",
    by_id: int | None = None,
    at: datetime | None = None,
) -> int:
    """One disclosure row per (person id, case id) pair, in one insert; returns how many."""
    extra = {"at": at} if at is not None else {}
    rows = [
        Disclosure(
            person_id=person_id,
            case_id=case_id,
            channel=channel,
            recipient_organisation_id=recipient_organisation_id,
            recipient_user_id=recipient_user_id,
            recipient=recipient[:200],
            what=what[:200],
            basis_id=basis_code(channel),
            by_id=by_id,
            **extra,
        )
        for person_id, case_id in dict.fromkeys(subjects)
    ]
    Disclosure.objects.bulk_create(rows)
    return len(rows)


@dataclasses.dataclass(frozen=True)
class DisclosureRow:
    at: datetime
    channel: str
    channel_label: str
    recipient: str
    what: str
    basis: str
    case_id: int | None


def disclosures_of(person: Person, *, limit: int | None = None) -> list[DisclosureRow]:
    """Everything disclosed about this person, newest first: the register's rows and the API
    reads of partner systems (access-log entries with a basis). Three queries.

    The recipient is named by organisation (AVG art. 15: "the recipients or categories of
    recipient"), not by the professional: which professional was told about which part of a
    case is as narrow as that part (a health professional's name is health content). The
    register itself keeps the user and the address."""
    bases = {b.code: str(b) for b in LegalBasis.objects.all()}
    rows = [
        DisclosureRow(
            at=d.at,
            channel=d.channel,
            channel_label=d.get_channel_display(),
            recipient=str(
                d.recipient_organisation
                or (d.recipient_user.organisation if d.recipient_user_id else None)
                or (recipient_of(d.recipient) if d.channel == DisclosureChannel.INZAGE else "")
            ),
            what=described(d.what),
            basis=bases.get(d.basis_id, d.basis_id),
            case_id=d.case_id,
        )
        for d in Disclosure.objects.filter(person=person).select_related(
            "recipient_organisation", "recipient_user__organisation"
        )[:limit]
    ]
    api = DisclosureChannel.API
    rows += [
        DisclosureRow(
            at=s.entry.at,
            channel=api,
            channel_label=api.label,
            recipient=str(s.entry.organisation or ""),
            what=f"{s.entry.get_action_display()}: {s.entry.path}"[:200],
            basis=bases.get(s.entry.basis_id, s.entry.basis_id),
            case_id=s.case_id,
        )
        for s in AccessLogSubject.objects.filter(person=person, entry__basis__isnull=False)
        .select_related("entry__organisation")
        .order_by("-entry__at", "-entry_id")[:limit]
    ]
    rows.sort(key=lambda row: row.at, reverse=True)
    return rows[:limit] if limit else rows
