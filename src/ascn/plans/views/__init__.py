"""Pages of action plans and priority projects (SPEC C3, C4): server-rendered, htmx optional,
one module per page family.

Reads go through ``queries`` (what the user may see; anything else is a 404), writes through
``services``. Domain errors become page responses: ``InvalidInput`` an error on the form's
field (422), ``StaleEdit`` the form again with what changed (409), ``NotFound`` a 404 and
``PermissionDenied`` a 403 page.
"""
