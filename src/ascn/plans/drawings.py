"""What the task worker draws for the plans app (``core.drawings``)."""

from ascn.core.drawings import drawer
from ascn.plans.charts import KIND, draw_progress_chart

drawer(KIND)(draw_progress_chart)
