"""What a locked-out client gets from django-axes: JSON 429 on the API, a page elsewhere."""

from django.http import JsonResponse
from django.shortcuts import render

LOCKOUT_MESSAGE = "Too many failed sign-in attempts: try again in 15 minutes, or reset your password."


def lockout_response(request, original_response=None, credentials=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": LOCKOUT_MESSAGE}, status=429)
    return render(request, "accounts/locked_out.html", {"message": LOCKOUT_MESSAGE}, status=429)
