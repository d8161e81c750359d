"""Sending a list's export (pricing.spreadsheet.Download) as a file to save."""
from __future__ import annotations

from flask import Response

from pricing.spreadsheet import Download


def send_download(download: Download) -> Response:
    """The file as an attachment under its own name."""
    return Response(download.data, mimetype=download.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{download.filename}"'})
