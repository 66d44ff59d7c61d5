from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from klyngekart.accounts.models import User
from klyngekart.accounts.services import invitation_url
from klyngekart.home.services import platform_cluster_create


class Command(BaseCommand):
    help = "Create a cluster and invite its first cluster manager by email."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="The cluster's full name.")
        parser.add_argument("--slug", required=True, help="Its address: the cluster lives at /c/<slug>/.")
        parser.add_argument("--manager-email", required=True, help="Who is invited as the first manager.")
        parser.add_argument("--city", default="", help="Where the cluster organisation is based.")
        parser.add_argument(
            "--invited-by",
            default="",
            help="Email of the platform admin the invitation comes from (default: the first superuser).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = platform_cluster_create(
                name=options["name"],
                slug=options["slug"],
                city=options["city"],
                manager_email=options["manager_email"],
                actor=self._inviter(options["invited_by"]),
            )
        except ValidationError as error:
            messages = [
                f"{field}: {message}" if field != "__all__" else message
                for field, errors in getattr(error, "message_dict", {"__all__": error.messages}).items()
                for message in errors
            ]
            raise CommandError("; ".join(messages)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Created '{created.cluster.name}' at /c/{created.cluster.slug}/.")
        )
        self.stdout.write(f"Invited {created.invitation.email} as cluster manager. The invitation link,")
        self.stdout.write(
            f"valid until {created.invitation.expires_at:%Y-%m-%d}, in case the mail goes astray:"
        )
        self.stdout.write(f"  {invitation_url(created.secret)}")

    def _inviter(self, email: str) -> User:
        """The invitation mail names who invited the manager, so it comes from a platform admin."""
        admins = User.objects.filter(is_superuser=True, is_active=True).order_by("date_joined", "pk")
        inviter = admins.filter(email__iexact=email).first() if email else admins.first()
        if inviter is None:
            if email:
                raise CommandError(f"No active platform admin (superuser) has the email {email}.")
            raise CommandError("Create a platform admin first: manage.py createsuperuser.")
        return inviter
