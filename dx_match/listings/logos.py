"""Listing logos: checked by Pillow, shrunk, re-encoded to PNG and stored under a random name.

Re-encoding drops whatever else the file carried (metadata, scripts in SVG-like payloads,
polyglot tails); the stored name is ours, never the uploader's.
"""

from __future__ import annotations

import io
import re
import secrets
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 1024 * 1024
MAX_PIXELS = 4096 * 4096  # refuse decompression bombs before decoding
SIZE = (512, 512)
FORMATS = frozenset({"PNG", "JPEG", "WEBP", "GIF"})
NAME = re.compile(r"^[0-9a-f]{32}\.png$")


class LogoInvalid(Exception):
    """The upload is not a usable image; the message says why."""


def is_logo_name(name: object) -> bool:
    """Whether `name` is a name this module gives stored logos."""
    return isinstance(name, str) and NAME.match(name) is not None


def logo_directory(instance_path: str) -> Path:
    """Where logos are stored."""
    return Path(instance_path) / "uploads"


def store_logo(data: bytes, instance_path: str) -> str:
    """Check, shrink and re-encode an uploaded image; return its stored file name."""
    if not data:
        raise LogoInvalid(str(_l("The file is empty.")))
    if len(data) > MAX_BYTES:
        raise LogoInvalid(str(_l("A logo may be at most 1 MB.")))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in FORMATS:
                raise LogoInvalid(str(_l("Upload a PNG, JPEG, WebP or GIF image.")))
            if probe.width * probe.height > MAX_PIXELS:
                raise LogoInvalid(str(_l("The image is too large (at most 4096 × 4096 pixels).")))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.seek(0)  # the first frame of an animation
            picture = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise LogoInvalid(str(_l("This file is not an image we can read."))) from exc
    picture.thumbnail(SIZE)
    name = f"{secrets.token_hex(16)}.png"
    directory = logo_directory(instance_path)
    directory.mkdir(parents=True, exist_ok=True)
    picture.save(directory / name, format="PNG", optimize=True)
    return name
