"""A paste's lines made plain: terminal colours, HTML markup (a notebook's rich output saved as HTML, as
nbconvert writes Keras 3's table into Markdown), a notebook's JSON strings, quote and comment marks and Markdown
taken off, box-drawing rules read as spaces, and a Keras 3 box table's wrapped cells joined into one line a row.

Lines longer than :data:`MAX_LINE` are no rows of any summary: they are read as empty, so they cost nothing.
"""

from __future__ import annotations

import contextlib
import re


def unbox(line: str) -> str:
    """A line with its box-drawing column rules (│ ┃ | ║) as spaces: four C-speed replaces, where str.translate
    would look every character up in a table."""
    return line.replace("│", " ").replace("┃", " ").replace("|", " ").replace("║", " ")


#: Rows are read with patterns that cannot backtrack more than linearly, and lines longer than
#: this are not rows of any summary: they are skipped, so a pasted 3,000-space line costs nothing.
MAX_LINE = 1000
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
#: What wraps a paste: quotes, comments, a notebook's Out[3]:, Markdown's bold.
_WRAPPING = re.compile(r"^\s*(?:(?:>|#|//|;)\s?)*(?:Out\[\d+\]:\s*)?")
_JSON_LINE = re.compile(r'^\s*"((?:[^"\\]|\\.)*)",?\s*$')
#: A table's rule ('_____', '=====', '-----'), which a paste whose line breaks were lost keeps between its rows
_RULE = re.compile(r"[-_=]{20,}")
#: An HTML tag ('<span style="color: #00af00">', '</pre>'): rich's HTML export colours each number of a Keras 3 table
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _clean(line: str) -> str:
    """A pasted line without terminal colours or HTML markup, or '' when it is too long to be a summary row."""
    if len(line) > MAX_LINE:
        return ""
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    if "<" in line and ">" in line:
        import html

        line = html.unescape(_HTML_TAG.sub("", line))
    return line


def unwrap(text: str) -> list[str]:
    """The paste's lines without what wraps them: a notebook's JSON strings ('"│ conv2d … │\\n",'), quote and
    comment marks, 'Out[3]:', Markdown's '**', tabs; and a Keras 3 box table's wrapped cells joined into one
    line per row."""
    import json

    lines: list[str] = []
    for raw in text.splitlines():
        line = raw
        quoted = _JSON_LINE.match(raw)
        if quoted:
            with contextlib.suppress(ValueError):
                line = json.loads(f'"{quoted[1]}"').rstrip("\n")
        for plain in _WRAPPING.sub("", _clean(line)).replace("**", "").expandtabs(8).split("\n"):
            lines += _apart(plain)
    return _join_box_rows(lines)


def _apart(line: str) -> list[str]:
    """A line whose rows ran together when its line breaks were lost ('… Connected to  =====…dense_1 (Dense)
    (None, 514)  264710 …  _____…activation_1 …'), split at its rules: each row on a line again."""
    rules = list(_RULE.finditer(line))
    if not rules or all(not (line[:rule.start()].strip() or line[rule.end():].strip()) for rule in rules):
        return [line]
    parts, start = [], 0
    for rule in rules:
        parts += [line[start:rule.start()], rule[0]]
        start = rule.end()
    return [part for part in [*parts, line[start:]] if part.strip()]


def _join_box_rows(lines: list[str]) -> list[str]:
    """Keras 3 wraps a long cell ('(None, 26, 26,' / '32)', 'batch_normalization' / '(BatchNormalization)') onto
    the next lines of its row; join each row's lines cell by cell, so a row is one line again."""
    joined: list[str] = []
    group: list[list[str]] = []

    def flush() -> None:
        if group:
            width = max(len(cells) for cells in group)
            merged = [" ".join(cells[i].strip() for cells in group if i < len(cells) and cells[i].strip())
                      for i in range(width)]
            row = " │ ".join(merged)
            joined.append(row if len(row) <= MAX_LINE else "")  # no row of a summary: skipped, as a long line is
            group.clear()

    for line in lines:
        # a box row is closed by its right border: a torchinfo tree's deep rows ('│    │    │    └─Conv2d: 5-2 …')
        # start with as many rules, but end with a count
        if line.lstrip().startswith(("│", "┃")) and line.rstrip().endswith(("│", "┃")) and \
                line.count("│") + line.count("┃") >= 3:
            group.append(re.split("[│┃]", line))
            continue
        flush()
        joined.append(line)
    flush()
    return joined

