"""Background tasks of the accounts app (django-tasks; ``manage.py db_worker`` runs them).

``send_digests`` sends the daily digest e-mails (``notifications.send_digests``):
``manage.py send_digests --enqueue`` queues it for the worker.
"""

from django_tasks import task

from ascn.accounts.notifications import send_digests as send_digests_now


@task()
def send_digests() -> dict:
    """Each person's digest of the notifications waiting for it; how many were sent."""
    return {"sent": send_digests_now()}
