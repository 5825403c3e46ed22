"""A paste read row by row: which rows each row reads, and what a wrong row passes on to them."""

from __future__ import annotations

from ...model.records import replace
from ...readers.pasted import PastedRow, PastedSummary, reference_name
from ..answers import Verdict
from .kinds import _MERGES, _family
from .layer_rules import LayerRules
from .reading import Shape, _claim, _unchecked, _wrong
from .totals import _totals
from .windows import WindowRules


class _Check(LayerRules, WindowRules):
    """A reading run over the paste's rows, each checked by its kind's rule against the rows it reads."""

    def __init__(self, pasted: PastedSummary, channels_first: bool) -> None:
        super().__init__(pasted, channels_first)
        #: what :meth:`row` worked out for each kind, shape, count and inputs: a paste repeats its rows
        self.derived: dict[tuple[object, ...], tuple[Shape | None, tuple[tuple[str, Verdict], ...]]] = {}
        #: the rule of each family (see :data:`kinds._FAMILIES`)
        self.rules = {"dense": self.dense, "conv": self.conv, "transposed": self.transposed, "pool": self.pool,
                      "global_pool": self.global_pool, "flatten": self.flatten, "same": self.same,
                      "resample": self.resample, "reshape": self.reshape, "permute": self.permute,
                      "pixel_shuffle": self.pixel_shuffle, "slice": self.channel_slice, "shuffle": self.shuffle}

    def run(self) -> list[Verdict]:
        pasted = self.pasted
        if pasted.input_shape is not None:
            self.shapes[pasted.input_name] = self.shape(pasted.input_shape)
        verdicts: list[Verdict] = []
        previous: str | None = pasted.input_name if pasted.input_shape is not None else None
        for number, pasted_row in enumerate(pasted.rows, start=1):
            shape = self.shape(pasted_row.shape)
            row = pasted_row if shape == pasted_row.shape else replace(pasted_row, shape=shape)
            reads = self.reads(row, previous) or []
            inputs = [self.shapes[name] for name in reads]
            found = self.row(number, row, inputs)
            corrected = self.corrected
            wrong = _wrong(found)
            # a row read that was itself wrong: this row may agree with its printed shape or with its corrected one
            other = [self.alternative.get(name, self.shapes[name]) for name in reads] if wrong else inputs
            if other != inputs:
                retry = self.row(number, row, other)
                if _wrong(retry) < wrong:
                    found, corrected = retry, self.corrected
            doubt = [name for name in reads if name in self.suspect or name in self.alternative]
            if doubt:
                found = [self.in_doubt(v, doubt) for v in found]
            if doubt or other != inputs:
                wrong = _wrong(found)
            if corrected is not None and wrong:
                self.alternative[row.name] = corrected
            elif wrong and any(v.status == "wrong" and v.claim.endswith(" output") for v in found):
                self.suspect.add(row.name)
            if not row.shapeless:
                self.shapes[row.name] = row.shape
            previous = row.name if not row.shapeless else None
            verdicts += found
        return verdicts + _totals(pasted, self.torch, verdicts)

    def in_doubt(self, verdict: Verdict, names: list[str]) -> Verdict:
        """A ✗ on a row that reads a row already wrong: one of the two is misprinted, and which is not known."""
        if verdict.status != "wrong":
            return verdict
        return replace(verdict, status="unchecked", correct="?",
                       note=f"it reads {', '.join(names)}, whose output is itself wrong: one of the two rows is "
                            "misprinted")

    def reads(self, row: PastedRow, previous: str | None) -> list[str] | None:
        """The rows a row reads: its 'Connected to' rows, else the row before it; None when unknown."""
        if not row.connections:
            return [previous] if previous is not None and previous in self.shapes else None
        found = []
        for token in row.connections:
            name, cut = reference_name(token)
            match = next((known for known in self.shapes if known == name or (cut and known.startswith(name))),
                         None)
            if match is None:
                return None
            found.append(match)
        return found

    def row(self, number: int, row: PastedRow, inputs: list[Shape]) -> list[Verdict]:
        """The row's verdicts, by its rule; a row like one already derived (its kind, shape, count and inputs)
        gets that row's verdicts under its own claims, and passes on the same corrected shape."""
        key = (row.keras_class, row.shape, row.params, row.multiple, row.unreadable, *inputs)
        known = self.derived.get(key)
        if known is not None:
            self.corrected, fields = known
            prefix = _claim(number, row, "")
            return [Verdict(prefix + field, v.given, v.correct, v.status, v.arithmetic, v.note) for field, v in fields]
        found = self.derive(number, row, inputs)
        prefix = _claim(number, row, "")
        if all(v.claim.startswith(prefix) for v in found):
            self.derived[key] = (self.corrected, tuple((v.claim[len(prefix):], v) for v in found))
        return found

    def derive(self, number: int, row: PastedRow, inputs: list[Shape]) -> list[Verdict]:
        """The row's verdicts, worked out by its family's rule."""
        self.corrected = None
        kind = row.keras_class
        family = _family(kind)
        if row.shapeless:  # 'multiple', or a shape that cannot be read
            return (self.unreadable if row.unreadable else self.multiple)(number, row, kind, family)
        if kind in _MERGES or kind == "Concatenate":
            return self.merge(number, row, kind, inputs)
        if kind == "BatchNormalization":  # its own output has the channels it normalises
            return self.batch_norm(number, row, inputs[0] if inputs else None)
        if family is None:
            return [_unchecked(number, row, "params", f"{row.params:,}",
                               f"cnncalc does not model {kind or 'this layer'}; its parameters still count toward "
                               "the totals")]
        if not inputs:
            return self.without_input(number, row, kind, family)
        return self.rules[family](number, row, kind, inputs[0])
