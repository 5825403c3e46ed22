"""Output on streams that cannot encode cnncalc's glyphs: ASCII stand-ins that keep the meaning.

cnncalc writes ✓, ✗, ×, −, ·, ⚠, →, ⌈⌉ and box lines.  On a stream whose encoding lacks them
(``PYTHONIOENCODING=ascii`` or ``latin-1``, an old terminal), :func:`fit_streams` makes each
one print a stand-in instead of raising ``UnicodeEncodeError``:

>>> "✓ 26×26 ⚠ (7 − 3)/2 → 2".encode("ascii", errors=ERRORS)
b'v 26x26 ! (7 - 3)/2 -> 2'
"""

from __future__ import annotations

import codecs
import io
import sys

__all__ = ["ERRORS", "fit_streams", "stand_in"]

ERRORS = "cnncalc-glyphs"

STAND_INS = {
    "✓": "v", "✗": "x", "×": "x", "−": "-", "·": "*", "⚠": "!", "ℹ": "i", "→": "->", "←": "<-", "≈": "~",
    "≤": "<=", "≥": ">=", "≠": "!=", "⌈": "ceil(", "⌉": ")", "⌊": "floor(", "⌋": ")", "…": "...", "°": " deg",
    "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "²": "^2", "³": "^3", "√": "sqrt", "γ": "gamma",
    "β": "beta", "σ": "sigma", "μ": "mu", "ε": "eps", "Σ": "sum", "\u00a0": " ", "\u202f": " ", "•": "*",
    "■": "#", "●": "o", "□": ".", "█": "#", "░": ".", "▒": ":", "▓": "#",
}


def stand_in(char: str) -> str:
    """The ASCII text printed for a character the stream cannot encode."""
    if char in STAND_INS:
        return STAND_INS[char]
    import unicodedata  # only when a glyph has no stand-in of its own

    name = unicodedata.name(char, "")
    if name.startswith("BOX DRAWINGS"):
        if "HORIZONTAL" in name and "VERTICAL" not in name:
            return "=" if "DOUBLE" in name or "HEAVY" in name else "-"
        if "VERTICAL" in name and "HORIZONTAL" not in name:
            return "|"
        return "+"
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode("ascii")
    return plain or "?"


def _replace(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    return "".join(stand_in(char) for char in text), error.end


codecs.register_error(ERRORS, _replace)


def _search(name: str) -> codecs.CodecInfo | None:
    """ASCII under a name of cnncalc's own: click rewraps any stream it sees as plain "ascii" in UTF-8."""
    if name != ASCII:
        return None
    ascii_codec = codecs.lookup("ascii")
    return codecs.CodecInfo(ascii_codec.encode, ascii_codec.decode, ascii_codec.streamreader,
                            ascii_codec.streamwriter, ascii_codec.incrementalencoder,
                            ascii_codec.incrementaldecoder, name=ASCII)


ASCII = "cnncalc_ascii"
codecs.register(_search)


def fit_streams() -> None:
    """Give stdout and stderr the stand-ins when their encoding cannot write cnncalc's glyphs."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "✓✗×−⚠┃━".encode(encoding)
        except UnicodeEncodeError:
            _fit(name, stream, encoding)
        except LookupError:
            pass


def _fit(name: str, stream: object, encoding: str) -> None:
    if codecs.lookup(encoding).name == "ascii" and isinstance(stream, io.TextIOWrapper):
        stream.flush()
        setattr(sys, name, io.TextIOWrapper(stream.detach(), encoding=ASCII, errors=ERRORS,
                                            line_buffering=stream.line_buffering))
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors=ERRORS)
