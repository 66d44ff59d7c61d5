from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from klyngekart.core.models import TimeStampedModel
from klyngekart.core.tenancy import TenantModel
from klyngekart.members.validators import validate_org_number
from klyngekart.taxonomy.nace import lookup_nace
from klyngekart.taxonomy.regions import REGION_CHOICES


class SizeClass(models.TextChoices):
    """EU SME size classes by head count."""

    MICRO = "micro", _("Micro (under 10)")
    SMALL = "small", _("Small (10–49)")
    MEDIUM = "medium", _("Medium (50–249)")
    LARGE = "large", _("Large (250 or more)")

    @classmethod
    def for_employees(cls, employees: int | None) -> str:
        if employees is None:
            return ""
        if employees < 10:
            return cls.MICRO
        if employees < 50:
            return cls.SMALL
        if employees < 250:
            return cls.MEDIUM
        return cls.LARGE


# The facts about a company that a cluster records, and that the company itself may state for
# every cluster: its name, industry, head count, place and website (issue 12). The identity (org
# number, or foreign id and country) lives on Company alone.
FACT_FIELDS = (
    "name",
    "nace_code",
    "employees",
    "size_class",
    "municipality",
    "region",
    "website",
)


class CompanyFacts(models.Model):
    """Name, industry, size, place and website, with the size class and NACE section derived in
    ``save()`` so filters and segments can use plain columns.

    Two models carry them: ``Membership`` (what one cluster records about its member, read in
    every cluster page, export and figure) and ``Company`` (what the company itself, through its
    contact, or a public register states; never shown in a cluster's pages)."""

    name = models.CharField(_("name"), max_length=200)
    nace_code = models.CharField(_("NACE code"), max_length=10, blank=True)
    nace_section = models.CharField(_("NACE section"), max_length=1, blank=True, editable=False)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=2, choices=REGION_CHOICES, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        abstract = True

    def facts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in FACT_FIELDS}

    def clean_facts(self) -> dict[str, Any]:
        """Errors in the facts, by field; a known NACE code is written in its canonical form."""
        errors: dict[str, Any] = {}
        if self.nace_code:
            nace = lookup_nace(self.nace_code)
            if nace is None:
                errors["nace_code"] = _("Unknown NACE code.")
            else:
                self.nace_code = nace.code
        return errors

    def derive_facts(self) -> None:
        # Derived fields are kept in step here so filters can use plain columns.
        nace = lookup_nace(self.nace_code) if self.nace_code else None
        self.nace_section = nace.section if nace else ""
        if self.employees is not None:
            self.size_class = SizeClass.for_employees(self.employees)


class RegisterStatus(models.TextChoices):
    """A company's standing in Enhetsregisteret, as last looked up (members/register.py)."""

    ACTIVE = "active", _("Registered")
    WINDING_UP = "winding_up", _("Being wound up")
    FORCED_DISSOLUTION = "forced_dissolution", _("Under forced dissolution")
    BANKRUPT = "bankrupt", _("Bankrupt")
    DELETED = "deleted", _("Deleted")


# The standings a cluster must be warned about: the company is gone or going.
REGISTER_WARNINGS = frozenset(
    {
        RegisterStatus.WINDING_UP,
        RegisterStatus.FORCED_DISSOLUTION,
        RegisterStatus.BANKRUPT,
        RegisterStatus.DELETED,
    }
)


class Company(TimeStampedModel, CompanyFacts):
    """A company, identified by its Norwegian org number or a foreign id and country.

    Not owned by one cluster: a company can be a member of several. Each cluster's view of it
    (and what it records about the membership) lives on ``Membership``; pages, exports and figures
    in a cluster read that, never the facts here. The facts here are the company's shared record:
    the first cluster's entry when it was added (shown to no cluster), then only what a trusted
    source states: the company's own contact or a public register (``company_update_shared``)."""

    org_number = models.CharField(
        _("organisation number"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_org_number],
    )
    foreign_id = models.CharField(_("foreign identifier"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, default="NO")
    # What Enhetsregisteret said at the last lookup. Public facts of the register, the same for
    # every cluster; only a lookup writes them (services.company_register_refresh).
    register_status = models.CharField(
        _("status in Enhetsregisteret"), max_length=20, choices=RegisterStatus.choices, blank=True
    )
    register_status_on = models.DateField(_("status date in Enhetsregisteret"), null=True, blank=True)
    register_address = models.CharField(_("business address"), max_length=300, blank=True)
    register_checked_at = models.DateTimeField(_("last looked up in Enhetsregisteret"), null=True, blank=True)

    class Meta:
        ordering = ["org_number", "country", "foreign_id"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "foreign_id"],
                condition=~models.Q(foreign_id=""),
                name="unique_foreign_company_id",
            ),
        ]

    def __str__(self) -> str:
        # The identifier, not a name: a name is a fact some cluster recorded, and whatever prints a
        # company without thinking (a form's choice, an audit row) must not show it to another.
        return self.identifier

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.derive_facts()
        super().save(*args, **kwargs)

    @property
    def identifier(self) -> str:
        return self.org_number or f"{self.country}-{self.foreign_id}"

    @property
    def register_warning(self) -> bool:
        """Enhetsregisteret lists the company as deleted, bankrupt or being wound up."""
        return self.register_status in REGISTER_WARNINGS

    def clean(self) -> None:
        errors = self.clean_facts()
        if self.country == "NO" and not self.org_number:
            errors["org_number"] = _("A Norwegian company needs its organisation number.")
        if self.country != "NO" and not self.org_number and not self.foreign_id:
            errors["foreign_id"] = _("A foreign company needs an identifier from its own registry.")
        if errors:
            raise ValidationError(errors)


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LEFT = "left", _("Left")


class Membership(TenantModel, CompanyFacts):
    """A company's membership in one cluster, and what the cluster records about it: the status,
    tier, fee, dates and notes of the membership, and the cluster's own facts about the company
    (name, industry, size, place, website). Another cluster that has the same company keeps its
    own; neither sees nor changes the other's."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="memberships")
    status = models.CharField(
        _("status"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    tier = models.CharField(_("membership tier"), max_length=60, blank=True)
    annual_fee = models.DecimalField(
        _("annual fee (NOK)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    joined_on = models.DateField(_("member since"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "company"], name="one_membership_per_cluster"),
        ]
        indexes = [models.Index(fields=["cluster", "status"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.derive_facts()
        super().save(*args, **kwargs)

    @property
    def org_number(self) -> str | None:
        return self.company.org_number

    @property
    def identifier(self) -> str:
        return self.company.identifier

    def clean(self) -> None:
        errors = self.clean_facts()
        if self.left_on and self.joined_on and self.left_on < self.joined_on:
            errors["left_on"] = _("A membership cannot end before it began.")
        if errors:
            raise ValidationError(errors)


class Contact(TenantModel):
    """A person at a member company whom the cluster keeps in touch with."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    title = models.CharField(pgettext_lazy("job title", "title"), max_length=100, blank=True)
    is_primary = models.BooleanField(_("main contact"), default=False)

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class PendingImport(TenantModel):
    """An uploaded member file between its dry run and the user's confirmation.

    Kept in the database, not on local disk, so any of several stateless app servers can take
    the confirmation. Bound to the uploader; unconfirmed uploads are removed after a day."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return self.filename
