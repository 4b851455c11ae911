import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_plan_pages_render(client, plan_at, people):
    plan = plan_at("submitted")
    client.force_login(people["regisseur"])
    for name in ("detail", "print"):
        assert client.get(reverse(f"plans:{name}", args=[plan.pk])).status_code == 200, name
    assert client.get(reverse("plans:case_plan", args=[plan.case_id])).status_code == 200
    client.force_login(people["itat"])
    assert client.get(reverse("plans:itat")).status_code == 200
    assert client.get(reverse("plans:itat_agenda", args=[plan.itat_meeting_id])).status_code == 200
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:transition", args=[plan.pk, "approve"])).status_code == 200
    client.force_login(people["partner"])
    assert client.get(reverse("plans:commitments")).status_code == 200


def test_draft_pages_render(client, plan_at, people):
    plan = plan_at("draft")
    client.force_login(people["regisseur"])
    assert client.get(reverse("plans:edit", args=[plan.pk])).status_code == 200
    assert client.get(reverse("plans:goal_add", args=[plan.pk])).status_code == 200
    goal = plan.goals.first()
    assert client.get(reverse("plans:goal_edit", args=[plan.pk, goal.pk])).status_code == 200


def test_approved_plan_pages_render(client, plan_at, people):
    from plans import services

    plan = plan_at("approved")
    client.force_login(people["regisseur"])
    assert client.get(reverse("plans:case_plan", args=[plan.case_id])).status_code == 200
    assert client.get(reverse("plans:evaluate", args=[plan.case_id])).status_code == 200
    assert client.get(reverse("plans:refer", args=[plan.case_id])).status_code == 200
    draft = services.plan_start_version(case=plan.case, by=people["regisseur"])
    assert client.get(reverse("plans:compare", args=[draft.pk])).status_code == 200
    assert client.get(reverse("cases:history", args=[plan.case_id])).status_code == 200
