"""The header menu's links to the tools a signed-in user may use (audit, import, invitations).

They live in the menu (base.html) rather than only behind the account page, so that what a
user may do is one tap away on a phone too; each is shown only to those its page lets in.
"""

from __future__ import annotations

from django import template

from ascn.accounts.views import may_invite
from ascn.core.permissions import scopes_of
from ascn.opendata.services import may_import

register = template.Library()


@register.simple_tag(takes_context=True)
def tool_links(context) -> dict[str, bool]:
    """``{"audit": …, "import": …, "invite": …}``: which tools the request's user may open."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"audit": False, "import": False, "invite": False}
    return {
        "audit": scopes_of(user).secretariat,
        "import": may_import(user),
        "invite": may_invite(user),
    }
