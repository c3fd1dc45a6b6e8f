"""Uploaded documents: PDF only, recognised by content (not by name or declared type)."""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from ascn.core.errors import InvalidInput

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def check_pdf(file: UploadedFile | None, *, field: str = "file") -> int:
    """A PDF of at most 10 MB, or ``InvalidInput`` naming ``field``. Leaves the file at its
    start; returns its size in bytes."""
    if file is None:
        raise InvalidInput(_("Choose a PDF file."), field=field)
    if file.size is None or file.size > MAX_DOCUMENT_BYTES:
        raise InvalidInput(_("A document is at most 10 MB."), field=field)
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(0)
    if head != PDF_MAGIC:
        raise InvalidInput(
            _("Only PDF documents are accepted (this file is not a PDF)."), field=field
        )
    return file.size
