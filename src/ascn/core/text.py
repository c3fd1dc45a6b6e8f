"""What counts as text a person gave."""

from __future__ import annotations

import unicodedata


def visible(value: str) -> str:
    """``value`` without surrounding white space, or empty when none of its characters shows:
    a title of a zero-width space or a direction mark alone is no title (Unicode's
    separators and control, format, private and unassigned characters: categories Z and C)."""
    value = value.strip()
    if any(unicodedata.category(ch)[0] not in "ZC" for ch in value):
        return value
    return ""
