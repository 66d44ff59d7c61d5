"""Make a personal API token for a user from the command line (for operators and scripts)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from klyngekart.accounts.models import User
from klyngekart.accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for a user and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The user's email address.")
        parser.add_argument("--name", default="Command line", help="A name to tell the token apart.")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No user with the email address {email}.")
        if not user.is_active:
            raise CommandError(f"The user {email} is inactive; a token for them would not work.")
        try:
            token, secret = api_token_create(user=user, name=options["name"])
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(f"Created API token '{token.name}' for {email}. It is shown only this once:")
        # The secret alone on stdout, so a script can capture it with $(...).
        self.stdout.write(secret)
