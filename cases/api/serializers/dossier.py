"""Serializers of a case's basisdossier (`/cases/{id}/basisdossier/`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from acvz.api.serializers import OrganisationRefSerializer, UserRefSerializer
from cases.models import ContributionPart, DossierContribution, Leefgebied, RegieStyle
from cases.policies import SectionView, contribution_can_write


class ContributionSerializer(serializers.ModelSerializer):
    """One organisation's answered part of a section."""

    organisation = OrganisationRefSerializer(read_only=True)
    author = UserRefSerializer(read_only=True, allow_null=True)
    part = serializers.ChoiceField(
        choices=ContributionPart.choices,
        read_only=True,
        help_text="`screening`: the GGD screening of section 6 (health content).",
    )
    created_at = serializers.DateTimeField(
        read_only=True, help_text="When the organisation was asked (or first wrote)."
    )

    class Meta:
        model = DossierContribution
        fields = [
            "id",
            "organisation",
            "part",
            "author",
            "text",
            "nothing_known",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class StillAskedSerializer(serializers.Serializer):
    organisation = OrganisationRefSerializer(read_only=True)
    part = serializers.ChoiceField(choices=ContributionPart.choices, read_only=True)


class DossierSectionSerializer(serializers.Serializer):
    """One leefgebied as the requesting user may see it (`cases.policies.redact_section`).

    For a user without health access section 9 says `restricted: true`, `is_complete: null` and
    has no contributions and no one still asked; in section 6 the GGD screening is left out the
    same way (`restricted: true`)."""

    leefgebied = serializers.ChoiceField(choices=Leefgebied.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    restricted = serializers.BooleanField(
        read_only=True, help_text="Whether health content of this section is withheld from you."
    )
    is_complete = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text="Every part you may read answered, and at least one answer; null when you "
        "may not read the section.",
    )
    contributions = serializers.SerializerMethodField()
    still_asked = serializers.SerializerMethodField(
        help_text="Organisations asked for a part that have not answered yet."
    )
    can_contribute = serializers.SerializerMethodField(
        help_text="Whether you may write your organisation's contribution now."
    )
    can_write_screening = serializers.SerializerMethodField(
        help_text="Whether you may write your organisation's GGD screening now (section 6)."
    )

    @extend_schema_field(ContributionSerializer(many=True))
    def get_contributions(self, view: SectionView) -> list[dict]:
        return ContributionSerializer([*view.contributions, *view.screenings], many=True).data

    @extend_schema_field(StillAskedSerializer(many=True))
    def get_still_asked(self, view: SectionView) -> list[dict]:
        asked = [
            {"organisation": o, "part": ContributionPart.CONTRIBUTION} for o in view.still_asked
        ] + [
            {"organisation": o, "part": ContributionPart.SCREENING}
            for o in view.screening_still_asked
        ]
        return StillAskedSerializer(asked, many=True).data

    def _can_write(self, view: SectionView, part: str) -> bool:
        return contribution_can_write(
            self.context["request"].user, self.context["case"], view, part
        )

    def get_can_contribute(self, view: SectionView) -> bool:
        return self._can_write(view, ContributionPart.CONTRIBUTION)

    def get_can_write_screening(self, view: SectionView) -> bool:
        return self._can_write(view, ContributionPart.SCREENING)


class BasisdossierSerializer(serializers.Serializer):
    established_at = serializers.DateTimeField(read_only=True, allow_null=True)
    established_by = UserRefSerializer(read_only=True, allow_null=True)
    ivg_advice = serializers.CharField(read_only=True)
    advised_organisation = OrganisationRefSerializer(read_only=True, allow_null=True)
    advised_style = serializers.ChoiceField(
        choices=RegieStyle.choices, read_only=True, allow_blank=True
    )
    sections = serializers.SerializerMethodField()

    @extend_schema_field(DossierSectionSerializer(many=True))
    def get_sections(self, dossier) -> list[dict]:
        """The sections redacted by the view, in context (never the unredacted rows)."""
        return DossierSectionSerializer(
            self.context["sections"], many=True, context=self.context
        ).data


class ContributionInputSerializer(serializers.Serializer):
    """A PATCH of your own organisation's part: fields left out keep their current value."""

    part = serializers.ChoiceField(
        choices=ContributionPart.choices,
        required=False,
        default=ContributionPart.CONTRIBUTION,
        help_text="`screening`: the GGD screening of section 6, written by health "
        "organisations only.",
    )
    text = serializers.CharField(required=False, allow_blank=True)
    nothing_known = serializers.BooleanField(
        required=False, help_text="Your organisation knows nothing about this leefgebied."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="The version of your contribution you read (0 before your first answer). A "
        "different current version is a 409 `stale`.",
    )

    def validate(self, attrs: dict) -> dict:
        # Only the request itself is checked here: the current contribution is for the service
        # to judge, after it has checked that this user may write it.
        if attrs.get("nothing_known") and attrs.get("text", "").strip():
            raise serializers.ValidationError(
                {"nothing_known": _("A contribution marked “nothing known” cannot have text.")},
                code="invalid",
            )
        return attrs
