"""What the task worker computes ahead for the dashboards (``core.prepared``)."""

from ascn.core.prepared import preparer
from ascn.dashboards.views import FIGURES, figures_for

preparer(FIGURES)(figures_for)
