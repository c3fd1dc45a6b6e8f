"""Write the Vega bundle (vega-embed, Vega-Lite, Vega) to a git-ignored static file.

The bundle comes from ``vl_convert.javascript_bundle`` (no CDN, no npm): the same Vega-Lite
version as the Altair schema the specs are built with. It sets ``window.vegaEmbed``,
``window.vega`` and ``window.vegaLite``; ``dashboards/charts.js`` embeds each chart with
``ast: true`` so Vega interprets expressions instead of compiling them (no ``unsafe-eval``).
"""

from __future__ import annotations

from pathlib import Path

import altair as alt
import vl_convert
from django.conf import settings
from django.core.management.base import BaseCommand

BUNDLE_NAME = "vendor/vega-bundle.js"


def bundle_path() -> Path:
    """Inside the project's static directory, under ``vendor/`` (git-ignored)."""
    return Path(settings.STATICFILES_DIRS[0]) / BUNDLE_NAME


def vl_version() -> str:
    """``vX.Y`` of the Vega-Lite schema Altair writes, e.g. ``v6.4``."""
    major, minor = alt.SCHEMA_VERSION.lstrip("v").split(".")[:2]
    return f"v{major}.{minor}"


def build_bundle(*, force: bool = False) -> Path:
    path = bundle_path()
    version = vl_version()
    stamp = path.with_suffix(".version")
    if not force and path.exists() and stamp.exists() and stamp.read_text() == version:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(vl_convert.javascript_bundle(vl_version=version), encoding="utf-8")
    stamp.write_text(version)
    return path


class Command(BaseCommand):
    help = "Write the Vega-Lite/vega-embed JavaScript bundle to static/vendor/ (git-ignored)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Rebuild even if up to date.")

    def handle(self, *args, force: bool = False, **options):
        path = build_bundle(force=force)
        self.stdout.write(f"{path} ({path.stat().st_size // 1024} KB, Vega-Lite {vl_version()})")
