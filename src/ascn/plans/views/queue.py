"""The endorsement queue of National Representatives and the Secretariat."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ascn.core.permissions import scopes_of
from ascn.plans import queries


@login_required
@require_GET
def plan_queue(request):
    scopes = scopes_of(request.user)
    if not (scopes.secretariat or scopes.member_state_ids):
        raise Http404
    submitted, endorsed = queries.endorsement_queue(request.user)
    return render(
        request,
        "plans/plan_queue.html",
        {"submitted": submitted, "endorsed": endorsed, "secretariat": scopes.secretariat},
    )
