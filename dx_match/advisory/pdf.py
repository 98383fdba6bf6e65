"""The proposal page rendered to PDF on the server with WeasyPrint.

WeasyPrint needs Debian's Pango at import time; an installation without it (or without the
package) gets `PdfUnavailable`, and the view sends the reader to the print page instead.
The page carries its stylesheet inline, so rendering fetches nothing.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """This installation cannot render PDF (WeasyPrint or Pango is missing)."""


def render_pdf(html: str, base_url: str) -> bytes:
    """The PDF of a self-contained HTML page."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as missing:  # OSError: Pango's shared library is absent
        log.warning("PDF rendering unavailable: %s", missing)
        raise PdfUnavailable(str(missing)) from missing
    return bytes(HTML(string=html, base_url=base_url).write_pdf())
