from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bench.scale import SCALES, generate
from klyngekart.landscape.demo import SCALE_COUNT, load_scale_directory


class Command(BaseCommand):
    help = (
        "Fill an empty database with deterministic scale data: clusters, members, the employee mapping "
        "survey, one closed round per cluster with bulk-loaded respondents, and their aggregates."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), required=True)
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same dataset.")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = SCALES[options["scale"]]
        self.stdout.write(
            f"Scale '{options['scale']}' (seed {options['seed']}): {scale.clusters} cluster(s), "
            f"{scale.companies:,} companies, {scale.respondents:,} respondents"
        )
        try:
            generate(scale=options["scale"], seed=options["seed"], out=self.stdout.write)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        # The cluster landscape: 3,000 fictional profiles (partner matching is measured on them);
        # the tests' tiny scale takes a hundredth.
        profiles = 30 if options["scale"] == "tiny" else SCALE_COUNT
        made = load_scale_directory(count=profiles, seed=options["seed"])
        self.stdout.write(f"Cluster landscape: {made:,} fictional cluster profiles")
