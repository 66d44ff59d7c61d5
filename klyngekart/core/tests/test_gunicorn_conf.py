"""config/gunicorn.conf.py: what an app server worker does once it has loaded the app."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

from django.conf import settings


def test_a_worker_hides_what_it_loaded_from_the_garbage_collector() -> None:
    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"))
    loaded = ["loaded with the app"]
    try:
        conf["post_worker_init"](None)
        # Everything alive when the worker finished loading is now outside the collector's
        # generations: a full collection no longer walks it.
        assert gc.get_freeze_count() > 10_000
        assert not any(item is loaded for item in gc.get_objects())
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0
