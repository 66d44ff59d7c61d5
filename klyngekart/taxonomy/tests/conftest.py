from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from klyngekart.core.tenancy import scope


@pytest.fixture
def in_alfa(world: Any) -> Iterator[Any]:
    """Run the test inside the ``world`` cluster's scope, as views and the API do."""
    with scope(world.cluster):
        yield world.cluster
