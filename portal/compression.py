"""Compression on the wire: text responses (HTML, JSON, CSS, JS, SVG) are compressed by Flask-Compress as the
browser asks (brotli, gzip, zstd; settings in portal/config.py), so the embedded server of `make run`
sends them compressed too, not only a proxy in front.

- Not compressed: answers under COMPRESS_MIN_SIZE, and types that are already compressed (PDF,
  spreadsheets, images: not in Flask-Compress's list of types).
- Static files are small (≤ 20 KB): they are read into memory before compression, so Flask-Compress
  compresses them whole (gzip included, with a Content-Length) and the file is closed at once — its
  streaming path lost the file's close.
- plotly.js (1.2 MB) is compressed once per process at a higher level and served as is (`encoded`).
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import Any

from flask import Flask, request


def _buffer_static(response: Any) -> Any:
    if request.endpoint == "static" and response.direct_passthrough and response.status_code == 200:
        response.direct_passthrough = False
        response.make_sequence()  # reads the file and closes it
    return response


def register(app: Flask) -> None:
    from portal.extensions import compress

    compress.init_app(app)
    # after_request functions run in reverse order of registration: this one runs before compression,
    # which runs after every other (the response is finished when it is compressed).
    app.after_request(_buffer_static)


def best_encoding() -> str:
    """What this request's browser accepts of the precompressed encodings: "br", "gzip" or "identity"."""
    accepted = request.accept_encodings
    return "br" if accepted["br"] else "gzip" if accepted["gzip"] else "identity"


@functools.cache
def encoded(path: Path, encoding: str) -> bytes:
    """A large static file as sent, compressed once per process (brotli 9: 0.37 MB for plotly.js instead
    of 0.41 MB at Flask-Compress's per-response level 4, for 0.4 s once)."""
    import brotli

    data = path.read_bytes()
    if encoding == "br":
        return bytes(brotli.compress(data, quality=9))
    if encoding == "gzip":
        return gzip.compress(data, 9, mtime=0)
    return data
