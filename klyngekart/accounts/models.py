from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klyngekart.core.models import TimeStampedModel
from klyngekart.core.tenancy import TenantModel


class EmailUserManager(UserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):  # type: ignore[override]
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):  # type: ignore[override]
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):  # type: ignore[override]
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person with an account. Email is the login; a superuser is a platform admin."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else self.email).strip()


class ClusterRoleKind(models.TextChoices):
    MANAGER = "manager", _("Cluster manager")
    STAFF = "staff", _("Cluster staff")
    ADVISOR = "advisor", _("Advisor")
    BOARD = "board", _("Board viewer")


class CompanyRoleKind(models.TextChoices):
    CONTACT = "contact", _("Company contact")
    MEMBER = "member", _("Member user")


class ClusterRole(TenantModel):
    """A person's role in the cluster organisation (or as its advisor or board member)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cluster_roles")
    role = models.CharField(_("role"), max_length=20, choices=ClusterRoleKind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster", "user"], name="one_cluster_role_per_user")]
        verbose_name = _("cluster role")
        verbose_name_plural = _("cluster roles")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class CompanyRole(TenantModel):
    """A person's role in a member company, granted by one cluster and valid in that cluster only.

    A company can be a member of several clusters, and each cluster decides for itself who speaks
    for the company there: a role that cluster B granted gives nothing in cluster A, and A cannot
    see or remove it. One person may hold a role for the same company in several clusters, one
    row per cluster (each by that cluster's own invitation)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_roles")
    company = models.ForeignKey("members.Company", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=CompanyRoleKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "company", "user"], name="one_company_role_per_user_in_cluster"
            )
        ]
        verbose_name = _("company role")
        verbose_name_plural = _("company roles")

    def __str__(self) -> str:
        # The company by its identifier, never by a name: a name is what one cluster recorded, and
        # this text lands in audit rows and the admin.
        return f"{self.user} · {self.company.identifier} · {self.get_role_display()}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Invitation(TenantModel):
    """An invitation by email into a cluster role or a company role. Only the hash of the link's
    secret is stored, so a database leak does not hand out accounts."""

    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20)
    company = models.ForeignKey(
        "members.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @staticmethod
    def new_secret() -> str:
        return secrets.token_urlsafe(32)


class ApiToken(TimeStampedModel):
    """A personal API token. The token is shown once; only its SHA-256 is kept."""

    PREFIX = "kk_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="First characters, to tell tokens apart")
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
