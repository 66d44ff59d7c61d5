from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from klyngekart.core.models import Cluster
from klyngekart.home import demo_data
from klyngekart.home.demo import build_demo


class Command(BaseCommand):
    help = "Create the fictional demo cluster with members, contacts and a login for every role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when any cluster exists (used by `make run` so real data is never mixed in).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Cluster.objects.exists():
            self.stdout.write("Clusters exist already; the demo was not created.")
            return
        result = build_demo()
        made = ", ".join(f"{count} {name}" for name, count in result.created.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo cluster '{result.cluster.name}' is ready (created: {made}).")
        )
        self.stdout.write(
            f"Open /c/{result.cluster.slug}/ and log in with one of these (password: {demo_data.PASSWORD}):"
        )
        width = max(len(user.email) for user in result.users)
        for user in result.users:
            self.stdout.write(f"  {user.email.ljust(width)}  {user.full_name} ({user.role})")
