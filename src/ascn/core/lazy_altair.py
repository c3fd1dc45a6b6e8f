"""``alt``: Altair, imported on first use.

Altair (with jsonschema and narwhals) adds about 35 MB to a process. Web code that builds
Vega-Lite specs only on some requests (and caches them) writes ``from ascn.core.lazy_altair
import alt`` instead of ``import altair as alt``: a worker that never draws a chart never
loads it (docs/operations.md).
"""

from __future__ import annotations

from typing import Any


class _LazyAltair:
    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        import altair  # noqa: PLC0415 - start-up: Altair loads only when a chart is drawn

        return getattr(altair, name)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return "<altair, imported on first use>"


alt: Any = _LazyAltair()
