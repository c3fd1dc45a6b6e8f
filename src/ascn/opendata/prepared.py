"""What the task worker computes ahead for the open-data app (``core.prepared``)."""

from ascn.core.prepared import preparer
from ascn.opendata.reports import REPORT, prepare_report

preparer(REPORT)(prepare_report)
