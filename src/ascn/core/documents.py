"""Uploaded documents: PDF only, recognised by content (not by name or declared type); and
downloaded under the name people gave them."""

import re
import unicodedata

from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.http import content_disposition_header
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


# What no file name holds: a path's separators, control characters, and what Windows refuses.
_NOT_IN_A_FILE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
# Vietnamese đ, which Unicode does not decompose into a d and a mark.
_ASCII_LETTERS = str.maketrans({"đ": "d", "Đ": "D"})


def download_name(title: str, *, default: str) -> str:
    """The name a PDF is saved under: its title as written (accents, spaces, any script),
    ending in ``.pdf`` once; ``default`` when nothing of the title can name a file."""
    name = unicodedata.normalize("NFC", _NOT_IN_A_FILE_NAME.sub(" ", title))
    name = " ".join(name.split()).strip(" .")
    if name.lower().endswith(".pdf"):  # a title that is the uploaded file's name
        name = name[:-4].rstrip(" .")
    return f"{name or default}.pdf"


def _ascii_name(name: str, *, default: str) -> str:
    """A ``download_name`` in ASCII letters, for the clients that read only ``filename=``."""
    letters = unicodedata.normalize("NFKD", name.removesuffix(".pdf").translate(_ASCII_LETTERS))
    return download_name(letters.encode("ascii", "ignore").decode(), default=default)


def pdf_attachment(
    file: FieldFile, title: str, *, default: str, as_attachment: bool = True
) -> FileResponse:
    """A stored PDF, downloaded as an attachment named after ``title`` (``download_name``),
    or shown in the browser (``as_attachment=False``); a file gone from storage is a 404.
    RFC 6266: a name that is not plain ASCII goes in ``filename*`` (UTF-8, RFC 5987), after
    an ASCII ``filename`` for the clients that read only that (Django's
    ``content_disposition_header`` writes each)."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404(_("The file is missing.")) from exc
    name = download_name(title, default=default)
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=name, content_type="application/pdf"
    )
    fallback = _ascii_name(name, default=default)
    if fallback != name:
        ascii_part = content_disposition_header(as_attachment, fallback) or ""
        utf8_part = (content_disposition_header(as_attachment, name) or "").split("; ", 1)[1]
        response["Content-Disposition"] = f"{ascii_part}; {utf8_part}"
    return response
