"""A closed case takes no more writes (docs/decisions/0007, "Later"): its data is kept for the
retention period only. The permission sweep found the regisseur still evaluating its plan,
referring it to the Expertgroep and updating its agreements after closing; each door is shut
here in the service, the page and the API, and nothing is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from acvz.errors import NotAllowed
from cases import services as case_services
from meetings import services as meeting_services
from meetings.models import Agreement
from plans import services as plan_services
from plans.models import Evaluation, ExpertGroupReferral

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(plan_at, people, orgs):
    """An approved plan and an open agreement of WPI, then outflow and close."""
    plan = plan_at("approved")
    case = plan.case
    agreement = meeting_services.agreement_create(
        case=case,
        by=people["regisseur"],
        description="Fictieve afspraak",
        owner_organisation=orgs["WPI"],
        deadline=timezone.localdate() + timedelta(days=10),
    )
    case = case_services.case_start_outflow(
        case=case,
        by=people["regisseur"],
        reason="Fictief",
        receiving_organisation="Fictief",
        handover_note="",
    )
    case = case_services.case_close(case=case, by=people["regisseur"])
    return case, plan, agreement


def test_no_evaluation_of_a_closed_case(closed, people, client, api_as):
    case, plan, _agreement = closed
    results = [(g, "achieved", "") for g in plan.goals.all()]
    with pytest.raises(NotAllowed):
        plan_services.evaluation_record(
            plan=plan,
            by=people["regisseur"],
            held_on=timezone.localdate(),
            conclusion="continue",
            summary="",
            results=results,
        )
    client.force_login(people["regisseur"])
    form = {"held_on": timezone.localdate().isoformat(), "conclusion": "continue"}
    form |= {f"result_{g.pk}": "achieved" for g in plan.goals.all()}
    client.post(reverse("plans:evaluate", args=[case.pk]), form)
    response = api_as(people["regisseur"]).post(
        "/api/v1/evaluations",
        {
            "plan": plan.pk,
            "held_on": timezone.localdate().isoformat(),
            "conclusion": "continue",
            "results": [{"goal": g.pk, "result": "achieved"} for g in plan.goals.all()],
        },
        format="json",
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert not Evaluation.objects.filter(plan=plan).exists()


def test_no_referral_of_a_closed_case(closed, people, client):
    case, _plan, _agreement = closed
    with pytest.raises(NotAllowed):
        plan_services.expert_referral_create(case=case, by=people["regisseur"], question="x")
    client.force_login(people["regisseur"])
    response = client.post(reverse("plans:refer", args=[case.pk]), {"question": "Fictief"})
    assert response.status_code == 403
    assert not ExpertGroupReferral.objects.filter(case=case).exists()


@pytest.mark.parametrize("who", ["regisseur", "accounthouder", "partner"])
def test_no_agreement_update_on_a_closed_case(closed, people, client, api_as, who):
    _case, _plan, agreement = closed
    with pytest.raises(NotAllowed):
        meeting_services.agreement_set_status(agreement=agreement, by=people[who], status="done")
    client.force_login(people[who])
    client.post(
        reverse("meetings:agreement_status", args=[agreement.pk]), {"status": "done", "note": "x"}
    )
    response = api_as(people[who]).patch(
        f"/api/v1/agreements/{agreement.pk}", {"status": "done"}, format="json"
    )
    assert response.status_code in (403, 404)  # the partner left with the closing: 404
    stored = Agreement.objects.get(pk=agreement.pk)
    assert stored.status == "open"
    assert stored.history.count() == 1  # created, never changed
