"""The Python API: ``cnncalc.summary(SPEC, …)``, the ``summary`` command's work as an object for notebooks and
scripts.

It reads what ``cnncalc summary`` reads (spec text, a ``.cnn`` or ``.py`` file, a known network's name) and takes
the command's options as keyword arguments, named as the options are (``input=``, ``conventions=``, ``batch=``,
``columns=``, ``show_trainable=``, ``depth=``, ``rf=``, ``fold=``, ``model=``, ``set=`` …). Errors are the command
line's: a :class:`~cnncalc.errors.SpecError` with its caret, and its siblings, all
:class:`~cnncalc.errors.CnnCalcError`.

>>> s = summary("input 28x28x1, conv32x3 relu, flatten, dense10")
>>> [(layer.name, layer.output_shape, layer.params) for layer in s.layers]
[('conv2d', (None, 26, 26, 32), 320), ('flatten', (None, 21632), 0), ('dense', (None, 10), 216330)]
>>> s.total_params, s.trainable_params, s.non_trainable_params
(216650, 216650, 0)
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from os import PathLike, fspath
from typing import TYPE_CHECKING, Any

from ..errors import CnnCalcError
from .api_options import choose, parse_cell_option
from .preparing import parse_size, prepare

if TYPE_CHECKING:
    from ..analysis.cell_field import CellField
    from ..analysis.pipeline import Analysis
    from ..graph.network import Network
    from ..numeric.twins import ForwardPass

__all__ = ["Layer", "Summary", "parse_size", "prepare", "summary"]


@dataclass(frozen=True)
class Layer:
    """One row of a summary: as the JSON document writes it, the output shape with None for the batch.

    ``trainable`` and ``non_trainable`` are counts of parameters, as Keras' totals count them.
    """

    index: int
    name: str
    type: str
    spec: str
    output_shape: tuple[Any, ...]
    params: int
    weights: int
    biases: int
    trainable: int
    non_trainable: int
    inputs: tuple[str, ...]
    warnings: tuple[str, ...]
    notes: tuple[str, ...]


class Summary:
    """A network's summary: its layers, its totals, its JSON document (:meth:`to_dict`), and in a notebook its
    table and picture (``_repr_html_``, ``_repr_svg_``).

    >>> s = summary("conv8x3, flatten", input="8x8x1")
    >>> s
    <cnncalc.Summary: 2 layers, 80 params>
    >>> s.to_dict()["layers"][0]["output_shape"]
    [6, 6, 8]
    """

    def __init__(self, network: Network, checked: ForwardPass | None, analysis: Analysis, depth: int | None = None,
                 rf: tuple[int, int] | None = None, fold: bool = False) -> None:
        self.network = network
        self.checked = checked
        self.analysis = analysis
        self.depth = depth
        self.rf = rf
        self.fold = fold
        self._document: dict[str, Any] | None = None

    def _dict(self) -> dict[str, Any]:
        if self._document is None:
            import json

            from ..views.json_view import to_json

            self._document = json.loads(to_json(self.network, self.checked, self.analysis, self.depth))
        return self._document

    def to_dict(self) -> dict[str, Any]:
        """Exactly the document ``cnncalc summary SPEC --format json`` prints (with the same options), as a dict."""
        return copy.deepcopy(self._dict())

    @property
    def layers(self) -> list[Layer]:
        """The rows, in the table's order."""
        return [Layer(record["index"], record["name"], record["type"], record["spec"],
                      (None, *record["output_shape"]), record["params"], record["weights"], record["biases"],
                      record["trainable"], record["non_trainable"], tuple(record["inputs"]),
                      tuple(record["warnings"]), tuple(record["notes"]))
                for record in self._dict()["layers"]]

    @property
    def total_params(self) -> int:
        return int(self.network.total_params)

    @property
    def trainable_params(self) -> int:
        return int(self.network.trainable_params)

    @property
    def non_trainable_params(self) -> int:
        return int(self.network.non_trainable_params)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every finding of the network (an uneven stride…), as the table's footnotes say them."""
        return tuple(self.network.warnings)

    def to_svg(self, rf: tuple[int, int] | str | None = None, fold: bool | None = None) -> str:
        """The picture as one SVG document: a chain as volumes, a graph as layers and edges. ``rf=(ROW, COL)``
        highlights the receptive field of that cell of a chain's last map, as ``--rf ROW,COL`` does; ``fold=True``
        draws a chain's long repeats once, as ``--fold`` does (both default to what :func:`summary` was given)."""
        from ..views.picture import to_svg

        return to_svg(self.network, self._field(rf), self.fold if fold is None else fold)

    def to_html(self, rf: tuple[int, int] | str | None = None, fold: bool | None = None) -> str:
        """One self-contained page: the table, the picture and the totals (nothing loaded from the network);
        ``rf`` and ``fold`` as for :meth:`to_svg`."""
        from ..views.html_view import to_html

        return to_html(self.network, self.checked, self.analysis, self._field(rf),
                       self.fold if fold is None else fold)

    def _field(self, rf: tuple[int, int] | str | None) -> CellField | None:
        cell = parse_cell_option(rf) or self.rf
        if cell is None:
            return None
        from ..analysis.cell_field import cell_field

        return cell_field(self.network, *cell)

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def _repr_html_(self) -> str:
        from ..views.html_view import html_fragment

        return html_fragment(self.network, self.analysis, self.checked, self._field(None), self.fold)

    def __repr__(self) -> str:
        return f"<cnncalc.Summary: {len(self.network.layers)} layers, {self.total_params} params>"


def summary(spec: str | PathLike[str], *, input: str | None = None, layout: str | None = None,
            conventions: str | None = None, model: str | None = None, set: Iterable[str] = (),
            columns: str | Iterable[str] | None = None, verbose: bool = False, check: bool = False, seed: int = 0,
            batch: int = 1, max_memory: str = "2GiB", dtype: str = "float32", flops_convention: str | None = None,
            by_op: bool = False, training: bool = False, optimizer: str = "adam", show_trainable: bool = False,
            expand_nested: bool = False, depth: int | None = None, rf: tuple[int, int] | str | None = None,
            fold: bool = False) -> Summary:
    """The summary of ``spec``, as ``cnncalc summary SPEC`` with these options computes it.

    ``spec`` is spec text, a ``.cnn`` or ``.py`` file's path (a ``str`` or a ``pathlib.Path``), or a known
    network's name. ``columns`` is the CLI's comma-separated list or a list of names. ``show_trainable=True`` adds
    the table's Trainable column; :meth:`Summary.to_dict` has a known network's own rows always
    (``expand_nested=True`` changes nothing there, as in the JSON), down to ``depth`` when it is given.
    ``rf=(ROW, COL)`` (or ``"ROW,COL"``) and ``fold=True`` are the picture's ``--rf`` and ``--fold``, for
    :meth:`Summary.to_svg`, :meth:`Summary.to_html` and the notebook's view. Raises
    :class:`~cnncalc.errors.CnnCalcError` (a :class:`~cnncalc.errors.SpecError` for the text, with its caret)
    exactly as the CLI reports it.

    >>> summary("input 28x28x1, dens10")
    Traceback (most recent call last):
    cnncalc.errors.SpecError: unknown layer 'dens10' (layer 1)
      input 28x28x1, dens10
                     ^^^^^^
    did you mean 'dense10'?
    >>> summary("input 8x8x1, conv4x3", columns="macs").to_dict()["total_macs"]
    1296
    """
    spec = fspath(spec) if isinstance(spec, PathLike) else spec
    if not isinstance(spec, str):
        raise TypeError(f"spec must be text or a path (a str or a pathlib.Path), not {type(spec).__name__}")
    text = columns if isinstance(columns, str) or columns is None else ",".join(columns)
    choose("layout", layout, ("nhwc", "nchw"))
    choose("conventions", conventions, ("keras", "torch"))
    from ..analysis.dtypes import DTYPES, OPTIMIZERS
    from ..analysis.flops import CONVENTIONS

    choose("dtype", dtype, tuple(DTYPES))
    choose("optimizer", optimizer, tuple(OPTIMIZERS))
    choose("flops_convention", flops_convention, tuple(CONVENTIONS))
    if not 1 <= batch <= 10**9 or not 0 <= seed < 2**32:
        raise CnnCalcError("batch must be 1 to 10⁹ and seed 0 to 2³²−1")
    if depth is not None and not (type(depth) is int and 1 <= depth <= 99):
        raise CnnCalcError(f"depth must be a whole number from 1 to 99, not {depth!r}")
    cell = parse_cell_option(rf)
    if isinstance(set, str):
        set = (set,)
    if (model is not None or set) and not spec.lower().endswith(".py"):
        raise CnnCalcError(f"{'model' if model is not None else 'set'} is for a model's .py file; this spec is not "
                           "one")
    try:
        net, checked, extra = prepare(spec, input, layout, conventions, model, tuple(set), text, verbose, check,
                                      seed, batch, max_memory, convention=flops_convention, explain=False,
                                      by_op=by_op, training=training)
        from ..analysis.pipeline import analyse

        if show_trainable:
            extra = (*extra, "trainable")
        analysis = analyse(net, extra, dtype, batch, flops_convention or "cnncalc", by_op, training, optimizer)
        made = Summary(net, checked, analysis, depth, cell, fold)
        if cell is not None or fold:
            made.to_svg()  # refused now, as the command refuses them, where they cannot be drawn
    except CnnCalcError as error:
        error.args = (error.render(),)  # a traceback shows what the CLI prints after 'Error: ', caret included
        raise
    return made


