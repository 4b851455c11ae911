from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser, Group
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager
from simple_history.models import HistoricalRecords

from acvz.audit import history_user


class Role(models.TextChoices):
    """The roles of docs/domain.md. A user holds several; each is a group with permissions."""

    REGISSEUR = "regisseur", _("Regisseur")
    ACCOUNTHOUDER = "accounthouder", _("Accounthouder")
    IVG = "ivg", _("IVG member")
    PROGRAMME_TEAM = "programme_team", _("Programme team member")
    ITAT = "itat", _("ITAT member")
    EXPERTGROEP = "expertgroep", _("ITAT-Expertgroep member")
    INTERVENTIEPLEGER = "interventiepleger", _("Interventiepleger")
    BEHEERDER = "beheerder", _("Functioneel beheerder")
    PARTNER_SYSTEM = "partner_system", _("Partner system (API client)")
    DIRECTEURENOVERLEG = "directeurenoverleg", _("Directeurenoverleg member")
    STUURGROEP = "stuurgroep", _("Stuurgroep Veiligheid en Zorg member")


class OrganisationKind(models.TextChoices):
    KERNPARTNER = "kernpartner", _("Kernpartner")
    PARTNER = "partner", _("Other partner")


class OrganisationQuerySet(models.QuerySet):
    def active(self) -> OrganisationQuerySet:
        return self.filter(active=True)


class Organisation(models.Model):
    """A partner organisation. Its `group` is what case permissions are granted to."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.SlugField(
        _("short code"), max_length=32, unique=True, help_text=_("Short code, e.g. POLITIE.")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.PARTNER
    )
    handles_health = models.BooleanField(
        _("health organisation"),
        default=False,
        help_text=_("May read the health section of a case it is on (need-to-know)."),
    )
    active = models.BooleanField(_("active"), default=True)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="organisation", editable=False
    )

    history = HistoricalRecords(get_user=history_user)
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.group_id is None:
            self.group, _created = Group.objects.get_or_create(name=self.group_name(self.code))
        elif self.group.name != self.group_name(self.code):
            self.group.name = self.group_name(self.code)
            self.group.save(update_fields=["name"])
        super().save(*args, **kwargs)

    @staticmethod
    def group_name(code: str) -> str:
        return f"org:{code}"


class RoleGroup(models.Model):
    """Marks the auth group that carries a role's permissions."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, unique=True)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="role_group")

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.get_role_display()


class User(AbstractUser):
    """A person (or partner system) who logs in. Belongs to one organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )

    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        # A database default too: older migration states (data migrations, their tests) insert
        # users without knowing this column.
        db_default=False,
        help_text=_(
            "Set when an administrator set the password: the user chooses their own at the next "
            "login before anything else."
        ),
    )

    organisation_contact = models.BooleanField(
        _("contact for the organisation"),
        default=False,
        db_default=False,
        help_text=_(
            "Receives the organisation's work on a case where nobody of the organisation is named "
            "on the case team (e.g. an agreement past its deadline)."
        ),
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"], get_user=history_user)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return full_name or self.username

    @cached_property
    def roles(self) -> frozenset[Role]:
        """The user's roles, for display and navigation. Authorisation checks permissions."""
        if not self.pk:
            return frozenset()
        codes = RoleGroup.objects.filter(group__user=self).values_list("role", flat=True)
        return frozenset(Role(code) for code in codes)

    def has_role(self, role: Role) -> bool:
        return role in self.roles


class ApiScope(models.TextChoices):
    """What an API key may do. Reads need `read`; every write operation names the scope it
    needs (`acvz.api.scopes`); a write that names none is refused to every key."""

    READ = "read", _("Read")
    OFFENCES = "offences", _("Push, correct and retract offence records")
    TIMELINE = "timeline", _("Push timeline events")
    COMMITMENTS = "commitments", _("Commit to goals")
    AGREEMENTS = "agreements", _("Update agreements")
    PLANS = "plans", _("Record goal progress and amendments")
    CASES = "cases", _("Other case work (dossier, team, UVOs, notifications)")


def validate_scopes(value) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one scope."), code="invalid")
    unknown = sorted(set(value) - set(ApiScope.values))
    if unknown:
        raise ValidationError(
            _("Unknown scopes: %(scopes)s."), code="invalid", params={"scopes": ", ".join(unknown)}
        )


class ApiKeyManager(BaseAPIKeyManager):
    def get_from_key(self, key: str) -> ApiKey:
        """The usable key whose hash matches `key`: found by its prefix (`prefix.secret`; a
        token from before hashing, 40 hex characters, by its first eight), then compared in
        constant time."""
        prefix = key.partition(".")[0] if "." in key else key[:8]
        api_key = self.get_usable_keys().select_related("user__organisation").get(prefix=prefix)
        if not api_key.is_valid(key):
            raise self.model.DoesNotExist("Key is not valid.")
        return api_key


class ApiKey(AbstractAPIKey):
    """An API key of a partner system (or a person): shown once when issued, stored only as a
    hash (djangorestframework-api-key), with an expiry date, revocable, rotatable, and scoped.
    It acts as its user, with exactly the need-to-know of the user's organisation."""

    user = models.ForeignKey(
        "partners.User", on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("user")
    )
    scopes = models.JSONField(_("scopes"), default=list, validators=[validate_scopes])
    created_by = models.ForeignKey(
        "partners.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    #: Updated at most every few minutes (`acvz.api.authentication`), not on every request.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    rotated_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rotated_to",
        verbose_name=_("replaces"),
    )

    objects = ApiKeyManager()
    history = HistoricalRecords(
        excluded_fields=["hashed_key", "last_used_at"], get_user=history_user
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        permissions = [("rotate_apikey", _("Can rotate and revoke API keys"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def state(self) -> str:
        if self.revoked:
            return "revoked"
        if self.has_expired:
            return "expired"
        return "active"


class Submission(models.Model):
    """A form posted with a one-time token (`{% once %}`): the first POST claims the token, and
    the page it redirected to is kept, so the same form posted again lands there instead of
    making a second object. Kept a day (`partners.tasks.forget_submissions`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    #: Where the first POST redirected to; empty while it is being handled.
    location = models.CharField(max_length=2000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="submission_once_per_user")
        ]

    def __str__(self) -> str:
        return self.token


# --- regie styles and the competence scan (issue 16) ---------------------------------------------


class RegisseurStyle(models.TextChoices):
    """The two regie styles of the report (ch. 4, step 1): the case-oriented regisseur works close
    to the person, the network-oriented one on the interplay of the organisations. Values match
    the IVG's advised style on a case (`cases.models.RegieStyle`)."""

    CASE = "case", _("Case-oriented")
    NETWORK = "network", _("Network-oriented")
    BOTH = "both", _("Both")


class Expertise(models.TextChoices):
    """What a regisseur knows most of: the leefgebieden of the basisdossier, grouped where they
    ask the same knowledge, and the target groups the programmes meet."""

    JUSTICE = "justice", _("Offences, pending cases and legal framework")
    RESIDENCE = "residence", _("Residence and housing")
    DOMESTIC = "domestic", _("Domestic relations")
    FINANCES = "finances", _("Finances and debts")
    WORK = "work", _("Education, work and daytime activities")
    HEALTH = "health", _("Mental and physical health and care")
    SOCIAL_NETWORK = "social_network", _("Social network")
    ATTITUDE = "attitude", _("Attitude, motivation and skills")
    YOUTH_FAMILY = "youth_family", _("Youth and family")
    LVB = "lvb", _("Mild intellectual disability (LVB)")
    ADDICTION = "addiction", _("Addiction")
    PSYCHIATRY = "psychiatry", _("Psychiatry")


def validate_expertise(value) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or sorted(set(value) - set(Expertise.values)):
        raise ValidationError(_("Choose from the listed kinds of expertise."), code="invalid")


def validate_languages(value) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or any(
        not isinstance(v, str) or not v.strip() or len(v) > 40 for v in value
    ):
        raise ValidationError(_("Give each language as a short name."), code="invalid")
    if len(value) > 12:
        raise ValidationError(_("Give at most 12 languages."), code="invalid")


class RegisseurProfile(models.Model):
    """A regisseur's profile for matching at appointment: style, expertise, languages and how
    many cases they can carry. Kept by the regisseur and by their organisation's accounthouder."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="regisseur_profile", verbose_name=_("user")
    )
    style = models.CharField(
        _("regie style"), max_length=10, choices=RegisseurStyle.choices, blank=True
    )
    expertise = models.JSONField(
        _("expertise"), default=list, blank=True, validators=[validate_expertise]
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_languages]
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("The most cases this regisseur directs at once."),
    )
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    lock_version = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        verbose_name = _("regisseur profile")
        verbose_name_plural = _("regisseur profiles")
        permissions = [
            ("keep_own_profile", _("Can keep an own regisseur profile and competence scan")),
            ("view_competence_group", _("Can view the competence scan of a group of regisseurs")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(style__in=["", *RegisseurStyle.values]),
                name="regisseurprofile_style_known",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True)
                | models.Q(capacity__gte=1, capacity__lte=200),
                name="regisseurprofile_capacity_1_200",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def expertise_labels(self) -> list[str]:
        labels = dict(Expertise.choices)
        return [str(labels[key]) for key in self.expertise if key in labels]


class Competence(models.TextChoices):
    """The nine competences of the competence scan (report ch. 5, after Bosselaar 2018), under
    the four roles of the professional who works through networks (`COMPETENCE_ROLES`)."""

    NETWORKING = "networking", _("Networking")
    ORGANISATIONAL_SENSITIVITY = "organisational_sensitivity", _("Organisational sensitivity")
    IMPACT = "impact", _("Impact")
    LISTENING = "listening", _("Listening")
    INITIATIVE = "initiative", _("Showing initiative")
    ADAPTABILITY = "adaptability", _("Adaptability")
    PROBLEM_ANALYSIS = "problem_analysis", _("Problem analysis")
    JUDGEMENT = "judgement", _("Forming a judgement")
    NEGOTIATING = "negotiating", _("Network-oriented negotiating")


#: The four roles and their competences, in the report's order.
COMPETENCE_ROLES: tuple[tuple[str, tuple[Competence, ...]], ...] = (
    (_("Connecting"), (Competence.NETWORKING, Competence.ORGANISATIONAL_SENSITIVITY)),
    (_("Communicating"), (Competence.IMPACT, Competence.LISTENING)),
    (_("Undertaking"), (Competence.INITIATIVE, Competence.ADAPTABILITY)),
    (
        _("Aligning"),
        (Competence.PROBLEM_ANALYSIS, Competence.JUDGEMENT, Competence.NEGOTIATING),
    ),
)

#: What each competence asks, in a line, for the scan form.
COMPETENCE_DESCRIPTIONS = {
    Competence.NETWORKING: _(
        "You build lasting relations with people outside your organisation who work in the same "
        "field, and with those inside it who hold expertise and means."
    ),
    Competence.ORGANISATIONAL_SENSITIVITY: _(
        "You know how your own organisation and your partners' organisations work, and whom to "
        "ask for what."
    ),
    Competence.IMPACT: _(
        "You know what you want to achieve and bring it across in terms of your partners' own "
        "interests, so that they come along."
    ),
    Competence.LISTENING: _(
        "You listen closely and make sure what matters to the other person is put on the table."
    ),
    Competence.INITIATIVE: _(
        "You do not wait for others: you act, and you remove what stands in the way."
    ),
    Competence.ADAPTABILITY: _(
        "When circumstances change you adjust, creatively and preferably together with your "
        "partners, to bring the goals closer anyway."
    ),
    Competence.PROBLEM_ANALYSIS: _(
        "You get to the bottom of the question of the case before you decide what is needed."
    ),
    Competence.JUDGEMENT: _(
        "You form your own professional view of the solution, well prepared before you meet "
        "the partners."
    ),
    Competence.NEGOTIATING: _(
        "You turn the partners' expertise, means and interests into firm commitments: every "
        "agreement has something behind it."
    ),
}

SCORE_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


def _score(label):
    return models.PositiveSmallIntegerField(label, validators=SCORE_VALIDATORS)


class CompetenceScan(models.Model):
    """A regisseur's self-scan: a score of 1 to 5 per competence and an optional note. Private to
    the regisseur: nobody else reads a single scan; accounthouders see only the spread over a
    group large enough (`partners.selectors.competence_group_spread`). Taken again over time to
    show development."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="competence_scans", verbose_name=_("user")
    )
    taken_at = models.DateTimeField(_("taken"), default=timezone.now, db_index=True)
    networking = _score(Competence.NETWORKING.label)
    organisational_sensitivity = _score(Competence.ORGANISATIONAL_SENSITIVITY.label)
    impact = _score(Competence.IMPACT.label)
    listening = _score(Competence.LISTENING.label)
    initiative = _score(Competence.INITIATIVE.label)
    adaptability = _score(Competence.ADAPTABILITY.label)
    problem_analysis = _score(Competence.PROBLEM_ANALYSIS.label)
    judgement = _score(Competence.JUDGEMENT.label)
    negotiating = _score(Competence.NEGOTIATING.label)
    note = models.TextField(
        _("private note"),
        blank=True,
        max_length=4000,
        help_text=_("Only you read this note."),
    )

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["-taken_at", "-pk"]
        verbose_name = _("competence scan")
        verbose_name_plural = _("competence scans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{c}__gte": 1, f"{c}__lte": 5}),
                name=f"competencescan_{c}_1_5",
            )
            for c in Competence.values
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.taken_at:%Y-%m-%d}"

    def score(self, competence: str) -> int:
        return getattr(self, competence)
