"""The dashboards' data tables, rendered in Python: the cities' table has 3,000 rows, and
the template language took a quarter of a second over its 12,000 cells."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ascn.dashboards.charts import rows_html

register = template.Library()


@register.simple_tag
def table_rows(chart) -> SafeString:
    """The ``<tr>`` rows of a chart's data table: kept with the figures when they were
    computed (``dashboard()``), else rendered now."""
    if chart.table_html:
        return mark_safe(chart.table_html)
    return rows_html(chart)
