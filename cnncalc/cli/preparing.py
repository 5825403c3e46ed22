"""The ``summary`` command's work before it renders: the network SPEC is, its forward pass when asked for, the
extra columns; shared by the command and by the Python API (:mod:`cnncalc.cli.api`), which the command line never
imports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import CnnCalcError, shorten

if TYPE_CHECKING:
    from ..graph.network import Network
    from ..numeric.twins import ForwardPass

__all__ = ["parse_size", "prepare"]


def prepare(spec: str, input_shape: str | None, layout: str | None, conventions: str | None, model: str | None,
            settings: tuple[str, ...], columns: str | None, verbose: bool, check: bool, seed: int, batch: int,
            max_memory: str, *, convention: str | None, explain: bool, by_op: bool,
            training: bool) -> tuple[Network, ForwardPass | None, tuple[str, ...]]:
    """The network SPEC is, its forward pass when ``check``, and the extra columns asked for: the ``summary``
    command's work before it renders."""
    from .loading import load_network

    net = load_network(spec, input_shape, layout, conventions, model, settings)
    extra = _columns(columns, verbose)
    if convention is not None and "flops" not in extra:  # asking for a convention is asking for its column
        extra = tuple(c for c in ("macs", "flops", "memory", "rf") if c in (*extra, "flops"))
    if (check or extra or explain or by_op or training) and net.symbolic:
        raise CnnCalcError("--check, --explain and the extra columns need numbers, and this input is written with "
                           "names", "give the sizes with --input, e.g. --input 28x28x3: the summary is then exact")
    checked = None
    if check:
        from ..numeric.twins import forward
        checked = forward(net, batch, seed, parse_size(max_memory))
    return net, checked, extra


def _columns(text: str | None, verbose: bool) -> tuple[str, ...]:
    from ..analysis.pipeline import COLUMNS

    if verbose:
        return COLUMNS
    if not text:
        return ()
    names = tuple(name.strip().lower() for name in text.split(",") if name.strip())
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise CnnCalcError(f"unknown column '{unknown[0]}'", f"columns are: {', '.join(COLUMNS)}")
    return names


def parse_size(text: str) -> int:
    """'2GiB', '512MiB', '1.5GB' or a byte count.

    >>> parse_size("2GiB"), parse_size("1.5 kB"), parse_size("512")
    (2147483648, 1500, 512)
    """
    import re

    match = re.fullmatch(r"\s*(\d{1,20})(?:\.(\d{1,20}))?\s*([kmgtpe]?)(i?b?)\s*", text.lower())
    if not match:
        raise CnnCalcError(f"cannot read the size '{shorten(text)}'",
                           "write it as 2GiB, 512MiB or a number of bytes, at most 20 digits")
    base = 1024 if match[4].startswith("i") or not match[4] else 1000
    scale = base ** "bkmgtpe".index(match[3] or "b")
    if match[2] is None:  # the default, 2GiB, among them: no fractions to import at start-up
        return int(match[1]) * scale
    from fractions import Fraction

    return int(Fraction(f"{match[1]}.{match[2]}") * scale)
