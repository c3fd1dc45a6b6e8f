from django.urls import path

from ascn.core.audit import views

urlpatterns = [
    path("", views.audit_log, name="audit"),
    path("export.csv", views.audit_csv, name="audit-csv"),
]
