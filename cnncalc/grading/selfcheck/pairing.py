"""A paste read row by row: which rows each row reads, and what a wrong row passes on to them."""

from __future__ import annotations

from ...model.records import replace
from ...readers.pasted import PastedRow, PastedSummary, reference_name
from ..answers import Verdict
from .kinds import _MERGES, _family
from .layer_rules import LayerRules
from .nested import KERAS_NESTED, Known, known_network, nested_verdicts
from .reading import Shape, _claim, _unchecked, _wrong
from .token_rules import TokenRules
from .totals import _totals
from .windows import WindowRules


def _unsure(verdicts: list[Verdict]) -> bool:
    """Whether a row's count is left unchecked (only an oblong kernel explains it, say)."""
    return any(v.status == "unchecked" and v.claim.endswith(" params") for v in verdicts)


def _unknown_input(verdict: Verdict, row: PastedRow) -> Verdict:
    """A PyTorch row's claim when neither the row before nor what forward() may hand it explains the row: the module
    may read what the table does not show (the model's own input, a tensor forward() builds), so a claim that some
    input would explain is unchecked; a count that no input explains (not a whole multiple of the filters or units,
    or a layer that learns nothing) stays wrong, with no one right value."""
    if verdict.status != "wrong":
        return verdict
    note = "nothing the table shows, nor a pool, a shortcut or a torch.cat that forward() may do, explains it"
    if verdict.claim.endswith(" params"):
        units = row.shape[-2] if row.keras_class == "Dense" and len(row.shape) > 1 else row.shape[-1]
        if _family(row.keras_class) in ("conv", "transposed", "dense") and units and row.params % units == 0:
            return replace(verdict, status="unchecked", correct="?",
                           note=f"{note}; it may read what the table does not show")
        return replace(verdict, correct="?", note=f"{verdict.note}; {note}" if verdict.note else note)
    return replace(verdict, status="unchecked", correct="?", note=f"{note}; it may read what the table does not show")


#: How many earlier rows' outputs a PyTorch row is tried on when the row before does not explain it, and how many
#: such tries a paste gets in all (a hostile paste of wrong rows costs no more than this).
_HIDDEN_EARLIER = 24
_HIDDEN_TRIES = 20_000


class _Check(LayerRules, WindowRules, TokenRules):
    """A reading run over the paste's rows, each checked by its kind's rule against the rows it reads."""

    def __init__(self, pasted: PastedSummary, channels_first: bool) -> None:
        super().__init__(pasted, channels_first)
        #: what :meth:`row` worked out for each kind, shape, count and inputs: a paste repeats its rows
        self.hidden_tries = _HIDDEN_TRIES
        #: the latest distinct outputs, the row before's first: what a PyTorch row may read instead of it
        self.recent: list[Shape] = []
        #: what :meth:`in_forward` worked out for each kind, shape, count, input and recent outputs
        self.forwarded: dict[tuple[object, ...], tuple[tuple[tuple[str, Verdict], ...], Shape | None]] = {}
        self.derived: dict[tuple[object, ...], tuple[Shape | None, tuple[tuple[str, Verdict], ...]]] = {}
        #: the known network each nested row is (by the row's line)
        self.known: dict[int, Known] = {}
        #: the rule of each family (see :data:`kinds._FAMILIES`)
        self.rules = {"dense": self.dense, "conv": self.conv, "transposed": self.transposed, "pool": self.pool,
                      "global_pool": self.global_pool, "adaptive": self.adaptive, "flatten": self.flatten,
                      "same": self.same, "resample": self.resample, "reshape": self.reshape, "permute": self.permute,
                      "pixel_shuffle": self.pixel_shuffle, "slice": self.channel_slice, "shuffle": self.shuffle,
                      "attention": self.attention, "class_token": self.class_token,
                      "position_embedding": self.position_embedding, "embedding": self.embedding}

    def inputs(self) -> None:
        """The shapes of the paste's InputLayer rows: the first, and a functional model's others, which rows name."""
        pasted = self.pasted
        if pasted.input_shape is not None:
            self.shapes[pasted.input_name] = self.shape(pasted.input_shape)
        for name, shape in pasted.more_inputs:
            self.shapes.setdefault(name, self.shape(shape))

    def run(self) -> list[Verdict]:
        pasted = self.pasted
        self.inputs()
        verdicts: list[Verdict] = []
        previous: str | None = pasted.input_name if pasted.input_shape is not None else None
        for number, pasted_row in enumerate(pasted.rows, start=1):
            shape = self.shape(pasted_row.shape)
            row = pasted_row if shape == pasted_row.shape else replace(pasted_row, shape=shape)
            reads = self.reads(row, None if row.after_cut else previous) or []
            inputs = [self.shapes[name] for name in reads]
            if row.input is not None:  # torchinfo's own record of what the module was handed
                reads, inputs = [], [row.input]
            found = self.row(number, row, inputs)
            corrected = self.corrected
            wrong = _wrong(found)
            # a row read that was itself wrong: this row may agree with its printed shape or with its corrected one
            other = [self.alternative.get(name, self.shapes[name]) for name in reads] if wrong and reads else inputs
            if other != inputs:
                retry = self.row(number, row, other)
                if _wrong(retry) < wrong:
                    found, corrected = retry, self.corrected
            if self.torch and not pasted.chained and len(inputs) == 1 and not row.connections and \
                    (wrong or _unsure(found)):
                found, corrected, wrong = self.in_forward(number, row, inputs[0], found, corrected)
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
                if row.shape and (not self.recent or self.recent[0] != row.shape):
                    self.recent = [row.shape, *(s for s in self.recent if s != row.shape)][:_HIDDEN_EARLIER + 1]
            previous = row.name if not row.shapeless else None
            verdicts += found
        return verdicts + _totals(pasted, self.torch, verdicts, tuple(self.known.values()))

    def in_forward(self, number: int, row: PastedRow, before: Shape, found: list[Verdict],
                   corrected: Shape | None) -> tuple[list[Verdict], Shape | None, int]:
        """A PyTorch row its previous row does not explain, read on what forward() may hand it (:meth:`hidden`);
        when nothing explains it, its wrong count has no one right value."""
        if row.input is not None:  # torchinfo printed what it was handed: only its groups are left to read
            self.grouped = True
            grouped = self.derive(number, row, [before])
            self.grouped = False
            if not _wrong(grouped) and not _unsure(grouped):
                return grouped, self.corrected, 0
            return found, corrected, _wrong(found)
        key = (row.keras_class, row.shape, row.params, before, tuple(self.recent))
        prefix = _claim(number, row, "")
        known = self.forwarded.get(key)
        if known is None:  # a paste repeats its rows: each is read on what forward() may hand it once
            hidden = self.hidden(number, row, before)
            if hidden is not None:
                outcome: tuple[list[Verdict], Shape | None] = (hidden, self.corrected)
            else:  # what forward() handed it is not known
                outcome = ([_unknown_input(v, row) for v in found], corrected)
            if all(v.claim.startswith(prefix) for v in outcome[0]):
                self.forwarded[key] = (tuple((v.claim[len(prefix):], v) for v in outcome[0]), outcome[1])
            return outcome[0], outcome[1], _wrong(outcome[0])
        fields, shape = known
        verdicts = [replace(v, claim=prefix + field) for field, v in fields]
        return verdicts, shape, _wrong(verdicts)

    def hidden(self, number: int, row: PastedRow, before: Shape) -> list[Verdict] | None:
        """A PyTorch row that its previous row does not explain, explained by what forward() may do between
        modules, which torchsummary and torchinfo list no row for: a pool (F.max_pool2d), the output of an earlier
        row (a block's input that a shortcut reads), or torch.cat of the previous row and an earlier one. The
        verdicts when one explains every claim of the row, each naming it; None when none does."""
        try:
            for grouped in (False, True):
                self.grouped = grouped
                if grouped:  # a grouped kernel on the row before, then on what forward() may hand it
                    found = self.derive(number, row, [before])
                    if not _wrong(found) and not _unsure(found):
                        return found
                for what, shape in self.hidden_inputs(before):
                    if self.hidden_tries <= 0:
                        return None
                    self.hidden_tries -= 1
                    found = self.derive(number, row, [shape])
                    if not _wrong(found) and not _unsure(found):
                        note = f"it reads {what}, which forward() makes without a module the table could list"
                        return [replace(v, note=f"{note}; {v.note}" if v.note else note) for v in found]
            return None
        finally:
            self.grouped = False
            if self.hidden_tries <= 0:
                self.corrected = None

    def hidden_inputs(self, before: Shape) -> list[tuple[str, Shape]]:
        """What a PyTorch row may read instead of its previous row's output, the likeliest first."""
        found: list[tuple[str, Shape]] = []
        if len(before) > 1 and any(n > 1 for n in before[:-1]):
            found.append(("a pool over the whole map of the row before (F.avg_pool2d(x, "
                          f"{before[0]}), F.adaptive_avg_pool2d(x, 1))", (*(1,) * (len(before) - 1), before[-1])))
        if len(before) > 1:
            for factor in (2, 3, 4):
                for size in ({n // factor for n in before[:-1]} | {-(-n // factor) for n in before[:-1]}):
                    if size and all(n // factor == size or -(-n // factor) == size for n in before[:-1]):
                        found.append((f"a {factor}×{factor} pool of the row before (F.max_pool2d(x, {factor}))",
                                      (*(size,) * (len(before) - 1), before[-1])))
        rows = self.recent[:_HIDDEN_EARLIER]  # the row before's own shape too: torch.cat(x, y) of two alike
        blocks = [shape for shape in reversed(self.pasted.container_shapes) if shape][:_HIDDEN_EARLIER // 2]
        earlier = list(dict.fromkeys([*rows, *blocks]))
        found += [(f"an earlier row's output {self.show(shape)}", shape) for shape in earlier]
        found += [(f"torch.cat of the row before and an earlier row's output {self.show(shape)}",
                   (*before[:-1], before[-1] + shape[-1])) for shape in earlier
                  if len(shape) == len(before) > 1 and shape[:-1] == before[:-1]]
        return found

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
        key = (self.grouped, row.keras_class, row.shape, row.params, row.multiple, row.unreadable, *inputs)
        known = self.derived.get(key)
        if known is not None:
            self.corrected, fields = known
            prefix = _claim(number, row, "")
            return [Verdict(prefix + field, v.given, v.correct, v.status, v.arithmetic, v.note) for field, v in fields]
        found = self.derive(number, row, inputs)
        if not row.counted:  # a torchinfo table without a Param # column: only the outputs can be checked
            found = [v for v in found if not v.claim.endswith(" params")]
        prefix = _claim(number, row, "")
        if all(v.claim.startswith(prefix) for v in found):
            self.derived[key] = (self.corrected, tuple((v.claim[len(prefix):], v) for v in found))
        return found

    def nested(self, number: int, row: PastedRow, inputs: list[Shape]) -> list[Verdict]:
        """A nested model's row (Keras' Functional, a torchinfo class cnncalc has no rule for) checked as the known
        network it is (:mod:`.nested`); nothing when it is none."""
        if row.keras_class not in KERAS_NESTED and not self.torch:
            return []
        known = known_network(row, inputs[0] if inputs else None, self.torch)
        if known is None:
            return []
        self.known[row.line] = known
        return nested_verdicts(number, row, known, self.show)

    def derive(self, number: int, row: PastedRow, inputs: list[Shape]) -> list[Verdict]:
        """The row's verdicts, worked out by its family's rule."""
        self.corrected = None
        kind = row.keras_class
        family = _family(kind)
        if row.shapeless or row.recursive or not row.shape:  # 'multiple', a shape that cannot be read …
            return self.shapeless(number, row, kind, family)
        if kind in _MERGES or kind == "Concatenate":
            return self.merge(number, row, kind, inputs)
        if kind == "BatchNormalization":  # its own output has the channels it normalises
            return self.batch_norm(number, row, inputs[0] if inputs else None)
        if family is None:
            return self.nested(number, row, inputs) or [_unchecked(number, row, "params", f"{row.params:,}",
                               f"cnncalc does not model {kind or 'this layer'}; its parameters still count toward "
                               "the totals")]
        if not inputs or not inputs[0]:
            return self.without_input(number, row, kind, family)
        return self.rules[family](number, row, kind, inputs[0])
