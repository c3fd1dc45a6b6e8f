"""Pages of meetings: ``public`` (the list, a meeting, registering, documents, feeds) and
``manage`` (the Secretariat running a meeting: its facts, agenda, registrations, check-in,
minutes and decisions)."""
