"""Cases: a person in a programme, walking the lifecycle of docs/domain.md."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from acvz.audit import history_user
from acvz.tracking import TrackedQuerySet
from cases.validators import validate_bsn, validate_no_nul
from cases.workflow import CaseStatus
from partners.models import Organisation


class Leefgebied(models.IntegerChoices):
    """The 11 leefgebieden, one basisdossier section each (docs/domain.md, step 2)."""

    POLITIE = 1, _("General police picture and offence history")
    OPENSTAANDE_ZAKEN = 2, _("Pending cases")
    JURIDISCH_KADER = 3, _("Legal framework")
    VERBLIJF = 4, _("Residence")
    HUISELIJKE_RELATIES = 5, _("Domestic relations and patterns")
    HUISBEZOEK = 6, _("Home visit PIT / GGD Vangnet Jeugd screening")
    FINANCIEN = 7, _("Finances (income and debts)")
    OPLEIDING_WERK = 8, _("Education, work and daytime activities")
    GEZONDHEID = 9, _("Mental and physical health and care provided")
    SOCIAAL_NETWERK = 10, _("Social network")
    HOUDING = 11, _("Attitude, thinking patterns, motivation and skills")


#: Sections whose content is narrower than the case (docs/domain.md, need-to-know): all of 9 and the
#: GGD screening part of 6 (a `DossierContribution` of part `screening`). Read them through
#: `cases.policies`, never directly.
HEALTH_LEEFGEBIEDEN = frozenset({Leefgebied.GEZONDHEID})
SCREENING_LEEFGEBIEDEN = frozenset({Leefgebied.HUISBEZOEK})


class RegieStyle(models.TextChoices):
    CASE = "case", _("Case-oriented")
    NETWORK = "network", _("Network-oriented")


class UvoClockStart(models.TextChoices):
    """When a case's UVO clock starts (a local agreement per programme, docs/domain.md)."""

    REGIE_STARTED = "regie_started", _("at the start of regie")
    PLAN_APPROVED = "plan_approved", _("at the approval of the first plan")


#: The age of majority (Burgerlijk Wetboek 1:233): below it a relative is a minor (goal 3:
#: younger brothers and sisters, and the person's children, do not slide into crime).
ADULT_AGE = 18


def minors_on(day: date) -> Q:
    """A Q over Person: minors on `day` (as `Person.is_minor_on` counts, 29 February included)."""
    try:
        cutoff = day.replace(year=day.year - ADULT_AGE)
    except ValueError:  # 29 February: born on 28 February that year turned ADULT_AGE today
        cutoff = date(day.year - ADULT_AGE, 2, 28)
    return Q(date_of_birth__gt=cutoff)


class Person(models.Model):
    first_name = models.CharField(_("first name"), max_length=100, validators=[validate_no_nul])
    last_name = models.CharField(_("last name"), max_length=150, validators=[validate_no_nul])
    date_of_birth = models.DateField(_("date of birth"))
    # NULL, not "", for "no BSN": the unique constraint must ignore persons without one.
    bsn = models.CharField(  # noqa: DJ001
        _("BSN"),
        max_length=9,
        blank=True,
        null=True,
        validators=[validate_bsn],
        help_text=_("Citizen service number, 9 digits (optional)."),
    )
    address = models.CharField(
        _("address"), max_length=200, blank=True, validators=[validate_no_nul]
    )
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True, validators=[validate_no_nul])
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[validate_no_nul])
    email = models.EmailField(_("e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: When every case of the person had passed its retention period and the personal fields
    #: were replaced (cases.retention).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    #: When this row last changed (`?updated_since=` in the API); embedded parts have their own.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    objects = TrackedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["updated_at"])

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(
                fields=["bsn"],
                condition=Q(bsn__isnull=False),
                name="person_bsn_unique",
                violation_error_code="unique",
                violation_error_message=_("A person with this BSN is already registered."),
            ),
        ]
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        if self.bsn == "":
            self.bsn = None
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": _("The date of birth lies in the future.")})

    @property
    def full_name(self) -> str:
        return str(self)

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        """The age today."""
        return self.age_on(timezone.localdate())

    def is_minor_on(self, day: date) -> bool:
        """Under ADULT_AGE on `day`: computed from the date of birth, never stored."""
        return self.age_on(day) < ADULT_AGE

    @property
    def adult_since(self) -> date:
        """The day the person turns ADULT_AGE (born on 29 February: 1 March, as `age_on`
        counts)."""
        born = self.date_of_birth
        try:
            return born.replace(year=born.year + ADULT_AGE)
        except ValueError:
            return date(born.year + ADULT_AGE, 3, 1)


class RelationKind(models.TextChoices):
    SIBLING = "sibling", _("brother or sister")
    CHILD = "child", _("child")
    PARENT = "parent", _("parent")
    PARTNER = "partner", _("partner")


INVERSE_RELATION = {
    RelationKind.SIBLING: RelationKind.SIBLING,
    RelationKind.CHILD: RelationKind.PARENT,
    RelationKind.PARENT: RelationKind.CHILD,
    RelationKind.PARTNER: RelationKind.PARTNER,
}


class FamilyRelation(models.Model):
    """`relative` is the `kind` of `person` (e.g. relative is person's child)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relations")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("relation"), max_length=10, choices=RelationKind.choices)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("family relation")
        verbose_name_plural = _("family relations")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="relation_unique_pair"),
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative} ({self.get_kind_display()} van {self.person})"


class OffenceKind(models.TextChoices):
    ARREST = "arrest", _("Arrest")
    SUMMONS = "summons", _("Summons (dagvaarding)")
    CONVICTION = "conviction", _("Conviction")


class OffenceCategory(models.TextChoices):
    # HIC: high-impact crime; DG: drugs-, wapen- and geweldsdelicten (since 2019).
    WONINGINBRAAK = "hic_burglary", _("HIC: residential burglary")
    OVERVAL = "hic_robbery", _("HIC: robbery (overval)")
    STRAATROOF = "hic_street_robbery", _("HIC: street robbery")
    ZWARE_MISHANDELING = "hic_assault", _("HIC: aggravated assault")
    MOORD_DOODSLAG = "hic_homicide", _("HIC: murder or manslaughter")
    DRUGS = "dg_drugs", _("DG: drugs offence")
    WAPEN = "dg_weapons", _("DG: weapons offence")
    GEWELD = "dg_violence", _("DG: violent offence")
    OTHER = "other", _("Other")

    @classmethod
    def counted(cls) -> list[str]:
        """The categories that count for inflow: every HIC and DG subtype."""
        return [c.value for c in cls if c is not cls.OTHER]


def validate_event_review_days(value) -> None:
    """{timeline kind: days (1 to 90)} for the kinds that call for a look at the plan."""
    if not isinstance(value, dict):
        raise ValidationError(_("Give an object of event kinds and days."), code="invalid")
    for kind, days in value.items():
        if kind not in REVIEW_EVENT_DAYS:
            raise ValidationError(
                _("“%(kind)s” is not an event that calls for a look at the plan."),
                code="invalid",
                params={"kind": kind},
            )
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 90:
            raise ValidationError(
                _("The days for “%(kind)s” must be a whole number from 1 to 90."),
                code="invalid",
                params={"kind": kind},
            )


class Programme(models.Model):
    """A person-centred programme, with its inflow criteria as data."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_offences = models.PositiveSmallIntegerField(
        _("minimum number of HIC/DG offences"),
        null=True,
        blank=True,
        help_text=_("Empty: the programme has no offence criterion (inflow on referral)."),
    )
    offence_kinds = models.JSONField(
        _("offence kinds that count"),
        default=list,
        blank=True,
        help_text=_('E.g. ["arrest", "conviction"].'),
    )
    period_years = models.PositiveSmallIntegerField(
        _("period (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    evaluation_interval_weeks = models.PositiveSmallIntegerField(
        _("evaluation interval (weeks)"),
        default=26,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
    )
    plan_submit_days = models.PositiveSmallIntegerField(
        _("plan due after the start of regie (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text=_("A local agreement. Empty: Regie's setting (REGIE_PLAN_SUBMIT_DAYS)."),
    )
    event_review_days = models.JSONField(
        _("days to look at the plan after an event"),
        default=dict,
        blank=True,
        validators=[validate_event_review_days],
        help_text=_(
            'A local agreement per kind of justice-chain event, e.g. {"arrest": 10}; a kind '
            "left out keeps Regie's default."
        ),
    )
    uvo_clock_start = models.CharField(
        _("the UVO clock starts"),
        max_length=16,
        choices=UvoClockStart.choices,
        blank=True,
        help_text=_(
            "A local agreement: the first UVO falls due a cadence after this moment (later ones "
            "a cadence after the last UVO held). Empty: Regie's setting (REGIE_UVO_CLOCK_START)."
        ),
    )
    casuistry_weeks = models.PositiveSmallIntegerField(
        _("casuistry meeting every (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_(
            "A local agreement: how often accounthouders discuss this programme's cases with "
            "their regisseurs. Empty: Regie's setting (REGIE_CASUISTRY_WEEKS)."
        ),
    )
    casuistry_anchor = models.DateField(
        _("first casuistry meeting"),
        null=True,
        blank=True,
        help_text=_(
            "The date the rhythm counts from. Empty: Regie's setting (REGIE_CASUISTRY_ANCHOR)."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    retention_years = models.PositiveSmallIntegerField(
        _("retention (years after closing)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Empty: the site's default (REGIE_RETENTION_YEARS)."),
    )
    team_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="supported_programmes",
        verbose_name=_("programme team members"),
        help_text=_(
            "Programme-team members who support the regisseurs of this programme's cases: they "
            "read those cases while in regie or outflow, read-only and without health content."
        ),
    )

    history = HistoricalRecords(get_user=history_user, m2m_fields=[team_members])

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name


class OffenceRecord(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="offences")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=OffenceKind.choices)
    category = models.CharField(_("category"), max_length=20, choices=OffenceCategory.choices)
    source = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("source")
    )
    external_id = models.CharField(  # noqa: DJ001 (unique when present)
        _("source reference"),
        max_length=64,
        blank=True,
        null=True,
        validators=[validate_no_nul],
        help_text=_("The source system's own id; a push with the same id updates nothing twice."),
    )
    description = models.TextField(_("description"), blank=True, validators=[validate_no_nul])
    created_at = models.DateTimeField(auto_now_add=True)

    #: When this row last changed (`?updated_since=` in the API); embedded parts have their own.
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    objects = TrackedQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("offence record")
        verbose_name_plural = _("offence records")
        # A person's offences in a window (inflow, the outflow signal, the figures): 10,000
        # cases in regie over 1 M records, the signal 200 → 125 ms (docs/decisions outflow).
        indexes = [models.Index(fields=["person", "date"], name="offence_person_date")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=Q(external_id__isnull=False),
                name="offence_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_category_display()} ({self.date})"

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("The date lies in the future.")})


class CaseQuerySet(TrackedQuerySet):
    def visible_to(
        self,
        user,
        part: str | None = None,
        *,
        writable: bool = False,
        inline_ids: bool = False,
    ) -> CaseQuerySet:
        """The cases this user may see (need-to-know); with `part`, those of which the user
        reads that part; with `writable`, those the user may act on; `inline_ids` for a page
        of the whole list. See `cases.policies`."""
        from cases.policies import case_visibility_filter

        return self.filter(
            case_visibility_filter(user, part, writable=writable, inline_ids=inline_ids)
        )


class Case(models.Model):
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cases", verbose_name=_("programme")
    )
    status = models.CharField(
        _("status"), max_length=24, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    regie_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="regie_cases",
        null=True,
        blank=True,
        verbose_name=_("regie organisation"),
    )
    regisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="regie_cases",
        null=True,
        blank=True,
        verbose_name=_("regisseur"),
    )
    accounthouder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="accounted_cases",
        null=True,
        blank=True,
        verbose_name=_("accounthouder"),
    )
    regie_style = models.CharField(
        _("regie style"), max_length=10, choices=RegieStyle.choices, blank=True
    )
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    dossier_started_at = models.DateTimeField(_("basisdossier started"), null=True, blank=True)
    dossier_established_at = models.DateTimeField(
        _("basisdossier established"), null=True, blank=True
    )
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)
    regie_started_at = models.DateTimeField(_("in regie since"), null=True, blank=True)
    outflow_at = models.DateTimeField(_("outflow"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outflow_reason = models.TextField(_("outflow reason"), blank=True)
    receiving_organisation = models.CharField(
        _("receiving organisation (regular line)"), max_length=200, blank=True
    )
    #: The receiving organisation from the register; `receiving_organisation` keeps the name
    #: (and is all there is for rows from before the register, or for an organisation not in it).
    receiver = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="received_cases",
        null=True,
        blank=True,
        verbose_name=_("receiving organisation (register)"),
    )
    #: Re-inflow: the person's earlier, closed case in the same programme (set by case_register).
    previous_case = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="next_cases",
        null=True,
        blank=True,
        verbose_name=_("earlier case"),
    )
    handover_note = models.TextField(_("handover note"), blank=True)
    #: When the retention period ended and the case's content was removed (cases.retention).
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    #: When this row last changed (`?updated_since=` in the API); embedded parts have their own.
    #: Indexed with the id: the API's sync order (`?ordering=updated_at`).
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(get_user=history_user, excluded_fields=["updated_at"])
    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        permissions = [
            ("register_case", _("Can register a case for a person")),
            ("assign_case", _("Can assign cases to an organisation (programme team)")),
            ("appoint_regisseur", _("Can appoint a regisseur of the own organisation")),
            ("direct_case", _("Can direct a case as regisseur")),
            ("contribute_basisdossier", _("Can contribute to basisdossiers (IVG)")),
            ("account_case", _("Can be the accounthouder of cases")),
            (
                "export_person_data",
                _("Can export everything stored about a person (AVG inzage)"),
            ),
            (
                "support_case",
                _("Can support the regisseurs of own programmes' cases (programme team)"),
            ),
            (
                "view_programme_figures",
                _("Can see the programmes' figures: flow, throughput and outcomes"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "programme"],
                condition=~Q(status=CaseStatus.CLOSED),
                name="case_one_open_per_person_programme",
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            # The API list's order and its sync order (docs/conventions.md, "Lists").
            models.Index(fields=["registered_at", "id"]),
            models.Index(fields=["updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.programme.code}"


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """guardian's direct foreign-key table: one row per (organisation group, case, permission)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseStatusChange(models.Model):
    """An immutable record of one transition: who, when, from, to and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=24, choices=CaseStatus.choices)
    to_status = models.CharField(max_length=24, choices=CaseStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Basisdossier(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="basisdossier")
    established_at = models.DateTimeField(_("established"), null=True, blank=True)
    established_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("established by"),
    )
    ivg_advice = models.TextField(_("IVG advice on regie"), blank=True)
    advised_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("advised regie organisation"),
    )
    advised_style = models.CharField(
        _("advised regie style"), max_length=10, choices=RegieStyle.choices, blank=True
    )
    #: The language to reach the person in, where it is not Dutch: matched against the
    #: regisseurs' languages at appointment.
    advised_language = models.CharField(
        _("language for contact"), max_length=40, blank=True, validators=[validate_no_nul]
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("basisdossier")
        verbose_name_plural = _("basisdossiers")

    def __str__(self) -> str:
        return f"Basisdossier {self.case}"


class DossierSection(models.Model):
    """One leefgebied of a basisdossier. Its content is the organisations' contributions."""

    dossier = models.ForeignKey(Basisdossier, on_delete=models.CASCADE, related_name="sections")
    leefgebied = models.PositiveSmallIntegerField(_("leefgebied"), choices=Leefgebied.choices)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["leefgebied"]
        verbose_name = _("basisdossier section")
        verbose_name_plural = _("basisdossier sections")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "leefgebied"], name="section_unique"),
            models.CheckConstraint(
                condition=Q(leefgebied__gte=1, leefgebied__lte=11), name="section_leefgebied_1_11"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leefgebied}. {self.get_leefgebied_display()}"

    @property
    def has_screening(self) -> bool:
        return self.leefgebied in SCREENING_LEEFGEBIEDEN


class ContributionPart(models.TextChoices):
    """What a contribution is: an organisation's part of the section, or (section 6 only) the
    GGD screening, which is health content (docs/domain.md, need-to-know)."""

    CONTRIBUTION = "contribution", _("Contribution")
    SCREENING = "screening", _("GGD screening")


class DossierContribution(models.Model):
    """One organisation's part of one basisdossier section (docs/domain.md, step 2: "a section holds
    a contribution from each kernpartner that knows something, or says it knows nothing").

    The row exists from the moment the organisation is asked; it is answered when it has a text
    or says `nothing_known`.
    """

    section = models.ForeignKey(
        DossierSection, on_delete=models.CASCADE, related_name="contributions"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contributing organisation"),
    )
    part = models.CharField(
        _("part"),
        max_length=12,
        choices=ContributionPart.choices,
        default=ContributionPart.CONTRIBUTION,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("text"), blank=True, validators=[validate_no_nul])
    nothing_known = models.BooleanField(
        _("nothing known"),
        default=False,
        help_text=_("This organisation knows nothing about this leefgebied."),
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    updated_at = models.DateTimeField(_("last change"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["section", "part", "pk"]
        verbose_name = _("basisdossier contribution")
        verbose_name_plural = _("basisdossier contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "organisation", "part"],
                name="contribution_one_per_organisation_part",
                violation_error_message=_("This organisation already has this part."),
            ),
            models.CheckConstraint(
                condition=Q(nothing_known=False) | Q(text=""),
                name="contribution_nothing_known_without_text",
                violation_error_message=_("“Nothing known” cannot have text."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_part_display()} ({self.organisation})"

    @property
    def is_answered(self) -> bool:
        return self.nothing_known or bool(self.text.strip())

    @property
    def is_screening(self) -> bool:
        return self.part == ContributionPart.SCREENING


class TeamRole(models.TextChoices):
    REGIE = "regie", _("Regie organisation")
    PARTNER = "partner", _("Case team partner")
    INTERVENTION = "intervention", _("Intervention partner")


class CaseTeamMembership(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="case_memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=TeamRole.choices)
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_memberships",
        verbose_name=_("professional"),
    )
    joined_on = models.DateField(_("joined"), default=timezone.localdate)
    left_on = models.DateField(_("left"), null=True, blank=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["joined_on", "pk"]
        verbose_name = _("case team membership")
        verbose_name_plural = _("case team memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=Q(left_on__isnull=True),
                name="team_one_active_membership_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="team_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def active(self) -> bool:
        return self.left_on is None


class TimelineKind(models.TextChoices):
    ARREST = "arrest", _("Arrest")
    SUMMONS = "summons", _("Summons (dagvaarding)")
    COURT_DATE = "court_date", _("Court date")
    DETENTION_IN = "detention_in", _("Detention started")
    DETENTION_OUT = "detention_out", _("Released from detention")
    MOVE = "move", _("Moved house")
    NEW_MEASURE = "new_measure", _("New measure")
    TEAM_CHANGE = "team_change", _("Case team change")
    STATUS = "status", _("Status change")
    ESCALATION = "escalation", _("Escalation")
    OTHER = "other", _("Other")


#: Justice-chain events that call for a look at the plan, and in how many days (Regie's
#: defaults; a programme sets its own per kind: `Programme.event_review_days`; plans.reviews).
REVIEW_EVENT_DAYS: dict[str, int] = {
    TimelineKind.ARREST: 14,
    TimelineKind.SUMMONS: 14,
    TimelineKind.DETENTION_IN: 7,
    TimelineKind.DETENTION_OUT: 7,
    TimelineKind.COURT_DATE: 14,
    TimelineKind.NEW_MEASURE: 14,
}

#: Kinds Regie records itself; a partner cannot share them.
REGIE_RECORDED_KINDS = ("status", "team_change", "escalation")


class TimelineEvent(models.Model):
    """Something the case team must know at once (docs/domain.md, step 4)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(_("kind"), max_length=16, choices=TimelineKind.choices)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    description = models.TextField(_("description"), validators=[validate_no_nul])
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    external_id = models.CharField(  # noqa: DJ001 (unique when present)
        max_length=64, blank=True, null=True, validators=[validate_no_nul]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=Q(external_id__isnull=False),
                name="timeline_unique_external_id",
            ),
        ]
        indexes = [models.Index(fields=["case", "-occurred_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:40]}"


class AccessChannel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")


class AccessAction(models.TextChoices):
    DETAIL = "detail", _("Detail")
    LIST = "list", _("List")
    SEARCH = "search", _("Search")
    EXPORT = "export", _("Export")


class AccessOutcome(models.TextChoices):
    SHOWN = "shown", _("Shown")
    REFUSED = "refused", _("Refused")


class AppendOnlyQuerySet(models.QuerySet):
    """The access log is append-only (NEN 7513): rows are inserted, never changed or removed."""

    def update(self, **kwargs):
        raise TypeError("The access log is append-only.")

    def delete(self):
        raise TypeError("The access log is append-only.")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The access log is append-only.")


class AccessLogEntry(AppendOnlyModel):
    """One request that showed personal data, or that asked for a case or person the user may
    not see (outcome refused). What it showed is in its subjects. Append-only, not historied."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("user"),
        db_index=False,  # led by the (user, -at) index
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("organisation"),
        db_index=False,  # led by the (organisation, -at) index
    )
    channel = models.CharField(_("channel"), max_length=8, choices=AccessChannel.choices)
    path = models.CharField(_("path"), max_length=500, blank=True)
    action = models.CharField(
        _("action"), max_length=8, choices=AccessAction.choices, default=AccessAction.DETAIL
    )
    query = models.CharField(_("search query"), max_length=200, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=AccessOutcome.choices, default=AccessOutcome.SHOWN
    )
    # Set when what was shown left the system: a partner system read it through the API with its
    # token. The entry's subjects are then disclosures (cases.disclosure), on this basis.
    basis = models.ForeignKey(
        "LegalBasis",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal basis"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            models.Index(fields=["organisation", "-at"], name="accesslog_organisation_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.outcome}"

    @property
    def page_label(self) -> str:
        """What the request showed, in words (cases.access.page_label)."""
        from cases.access import page_label

        return page_label(self.path)


class AccessLogSubject(AppendOnlyModel):
    """A person (and the case, when read through one) an access log entry showed or refused.
    Indexed by person and by case, so "who looked at this person" is one indexed query."""

    entry = models.ForeignKey(
        AccessLogEntry, on_delete=models.PROTECT, related_name="subjects", verbose_name=_("entry")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
        db_index=False,  # led by the (person, entry) index
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
        db_index=False,  # led by the (case, entry) index
    )

    class Meta:
        verbose_name = _("access log subject")
        verbose_name_plural = _("access log subjects")
        indexes = [
            models.Index(fields=["person", "entry"], name="accesslog_subject_person"),
            models.Index(fields=["case", "entry"], name="accesslog_subject_case"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.person_id}/{self.case_id}"


# --- disclosures (verstrekkingen) ---------------------------------------------------------------


class LegalBasis(models.Model):
    """The ground on which personal data are given to someone outside the system: an article of
    the covenant, or of the law (AVG art. 15 for an inzage). Data the beheerder keeps; which
    basis each way of disclosing uses is the setting REGIE_DISCLOSURE_BASIS."""

    code = models.SlugField(_("code"), max_length=50, primary_key=True)
    document = models.CharField(_("document"), max_length=200, validators=[validate_no_nul])
    article = models.CharField(_("article"), max_length=100, validators=[validate_no_nul])
    description = models.TextField(_("description"), blank=True, validators=[validate_no_nul])
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["code"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self) -> str:
        return f"{self.document}, {self.article}"


class DisclosureChannel(models.TextChoices):
    TEAM = "team", _("Joined the case team")
    API = "api", _("Read by a partner system (API)")
    EMAIL = "email", _("E-mail")
    EXPORT = "export", _("Export")
    INZAGE = "inzage", _("Inzage (to the person)")
    WEBHOOK = "webhook", _("Webhook")


class Disclosure(AppendOnlyModel):
    """A verstrekking: personal data of a person left the system — to whom, what, when and on
    which basis. Append-only like the access log. Reads by partner systems through the API are
    the access log's entries with a basis (one source, no second copy per row):
    `cases.disclosure.disclosures_of` joins both."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
        db_index=False,  # led by the (person, at) index
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=DisclosureChannel.choices)
    recipient_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient organisation"),
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    #: The address or description of the recipient as it was then (an e-mail address, "the
    #: person concerned").
    recipient = models.CharField(_("to"), max_length=200, blank=True)
    what = models.CharField(_("what"), max_length=200)
    basis = models.ForeignKey(
        LegalBasis, on_delete=models.PROTECT, related_name="+", verbose_name=_("legal basis")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        indexes = [models.Index(fields=["person", "-at"], name="disclosure_person_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.person_id} {self.channel}"


class MinorWatch(models.Model):
    """A minor relative of the case's person followed by an organisation (goal 3, docs/domain.md:
    "younger brothers and sisters (and the person's own children) do not slide into crime").
    Started and ended by the case's regisseur or accounthouder (`cases.services`); whether the
    relative is still a minor is computed from the date of birth, never stored."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="minor_watches", verbose_name=_("case")
    )
    relative = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("relative")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("following organisation"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=[validate_no_nul])
    started_on = models.DateField(_("followed since"), default=timezone.localdate)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_on = models.DateField(_("followed until"), null=True, blank=True)
    ended_reason = models.CharField(
        _("reason to stop"), max_length=200, blank=True, validators=[validate_no_nul]
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = [models.F("ended_on").desc(nulls_first=True), "-started_on", "-pk"]
        verbose_name = _("followed minor")
        verbose_name_plural = _("followed minors")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "relative"],
                condition=Q(ended_on__isnull=True),
                name="minor_watch_one_open_per_case_relative",
                violation_error_message=_("This relative is already followed on this case."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="minor_watch_ended_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relative} ({self.organisation})"
