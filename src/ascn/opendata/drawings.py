"""What the task worker draws for the open-data app (``core.drawings``)."""

from ascn.core.drawings import drawer
from ascn.opendata.report_files import PROGRESS_CHART, draw_progress_chart

drawer(PROGRESS_CHART)(draw_progress_chart)
