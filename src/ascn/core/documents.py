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
    if not parses_as_pdf(file):
        raise InvalidInput(
            _(
                "This file begins like a PDF but cannot be read as one: it may be damaged or "
                "cut short. Export or scan it again and upload the new file."
            ),
            field=field,
        )
    return file.size


def document_title(title: str | None, file: UploadedFile) -> str:
    """A document's title as given, else its file's name (at most 200 characters)."""
    return (title or "").strip() or (file.name or "document")[:200]


def parses_as_pdf(file: UploadedFile) -> bool:
    """The file has a PDF's structure a reader can open: its cross-reference table, its catalogue
    and at least one page (pypdf, lenient about what real-world writers get slightly wrong).
    Leaves the file at its start."""
    from pypdf import PdfReader  # noqa: PLC0415 - start-up: pypdf (~6 MB) loads on a PDF upload
    from pypdf.errors import PyPdfError  # noqa: PLC0415 - start-up: as above

    try:
        file.seek(0)
        return len(PdfReader(file, strict=False).pages) > 0
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        # pypdf raises its own errors for what it recognises as broken, and Python's for
        # structures it does not expect; either way no reader would open the file.
        return False
    finally:
        file.seek(0)
