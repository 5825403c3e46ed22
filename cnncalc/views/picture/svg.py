"""The SVG the pictures are written in: escaped text, its estimated width, and the document around the drawing.

Every piece of user text (a layer's name, its spec) enters a picture through :func:`text` or :func:`escape`, so
that a name such as ``<script>`` is shown as written and never read as markup.
"""

from __future__ import annotations

import re

__all__ = ["CHAR_WIDTH", "FONT_SIZE", "LINE_HEIGHT", "document", "escape", "number", "text", "text_width"]

#: the labels' font size, the width of one of their characters and the height of one line, in pixels (a monospace
#: font: a label's width follows from its length, so that the layout can keep labels apart without measuring)
FONT_SIZE = 12
CHAR_WIDTH = 7.3
LINE_HEIGHT = 15

#: characters XML 1.0 cannot hold at all, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def escape(value: str) -> str:
    """``value`` as XML text or an attribute's value: markup characters as entities, characters XML cannot hold
    as U+FFFD.

    >>> escape('<script>alert("x") & \\'y\\'</script>\\x00')
    '&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;\ufffd'
    """
    escaped = (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
               .replace("'", "&#39;"))
    return _NOT_XML.sub("\ufffd", escaped)


def number(value: float) -> str:
    """A coordinate, rounded to a tenth of a pixel: ``12``, ``12.5``.

    >>> number(12.0), number(12.46), number(-0.01)
    ('12', '12.5', '0')
    """
    text_ = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text_ in ("-0", "") else text_


def text_width(value: str) -> float:
    """The width of ``value`` in the labels' font, as the layout counts it."""
    return len(value) * CHAR_WIDTH


def text(x: float, y: float, value: str, css: str = "", anchor: str = "middle") -> str:
    """One line of text whose baseline starts (or is centred, or ends) at (x, y)."""
    klass = f' class="{css}"' if css else ""
    return f'<text x="{number(x)}" y="{number(y)}" text-anchor="{anchor}"{klass}>{escape(value)}</text>'


def document(width: float, height: float, body: list[str], title: str, style: str = "") -> str:
    """A whole SVG document of ``width`` × ``height`` pixels holding ``body``."""
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{number(width)}" height="{number(height)}" '
        f'viewBox="0 0 {number(width)} {number(height)}" font-family="monospace" font-size="{FONT_SIZE}">',
        f"<title>{escape(title)}</title>",
        "<style>text { fill: #222; } .params { fill: #555; } .label { fill: none; stroke: none; }"
        f"{style}</style>",
        '<rect class="background" width="100%" height="100%" fill="#fff"/>',  # legible on a dark page too
        *body,
        "</svg>",
    ]) + "\n"
