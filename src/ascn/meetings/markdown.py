"""Minutes are Markdown written by the Secretariat, rendered and then sanitised (nh3), so
no script, style or event handler ever reaches a page."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    html = _markdown.render(text or "")
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer nofollow"))
