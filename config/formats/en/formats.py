"""The site's one style for dates and numbers in English (``FORMAT_MODULE_PATH``): "4 Dec 2026",
"4 Dec 2026, 14:57" — a moment that matters also names its zone, through
``core.formats.moment`` (the ``moment`` filter) — and "70,000,000". Machine formats (ISO 8601
in CSV, JSON, the API and ``<time datetime>``) never go through these."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "M Y"
MONTH_DAY_FORMAT = "j M"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
