"""The records a pasted summary is read into: a :class:`PastedRow` a layer, and the :class:`PastedSummary`.

Every reader of a framework's table makes these, in Keras' terms: Keras' classes, channels-last shapes without
the batch axis.
"""

from __future__ import annotations

from ...model.records import record


@record
class PastedRow:
    line: int
    name: str
    keras_class: str
    shape: tuple[int, ...]
    params: int
    text: str
    #: a functional summary's 'Connected to' cell, as written: 'conv2d[0][0]', or cut: 'batch_normalization[0]…'
    connections: tuple[str, ...] = ()
    #: a type cell cut short ('MaxPooling'), whose rest tf.keras 2.5+ wraps onto the next line ('2D)')
    type_text: str = ""
    #: the output shape is 'multiple' (a subclassed model's layer): only the count can be read
    multiple: bool = False
    #: the output shape as written when it cannot be read ('(None, 2 6, 26, 32)': a space splits a size where
    #: it groups no thousands); the row's output is then unchecked, never read as some other number
    unreadable: str = ""
    #: rows were left out just above this one ('...', '# 40 more layers'): what it reads is not in the paste
    after_cut: bool = False
    #: torchinfo's '(recursive)': a module used again, whose parameters are counted on its first row
    recursive: bool = False
    #: torchinfo's 'Input Shape' cell, when the table has that column: what the module was handed
    input: tuple[int, ...] | None = None
    #: False for a torchinfo table without a 'Param #' column: the row's count is not in the paste
    counted: bool = True
    #: why the row's output is not in the paste, or '': a torchinfo table without an 'Output Shape' column
    #: (summary() given no input), a module that returns several tensors ('[[-1, 64, 64, 64], [-1, 64, 128, 128]]');
    #: only the count can be read
    unshown: str = ""
    #: torchinfo's count in parentheses ('(9,408)'): none of the module's parameters trains (a row printed plain
    #: holds at least one that does)
    frozen: bool = False

    @property
    def inside(self) -> bool:
        """A row inside a nested model, as Keras 3's summary(expand_nested=True) writes it (behind '└'): its count
        is part of the nested model's row."""
        return self.name.startswith("└")

    @property
    def shapeless(self) -> bool:
        """No output shape to check or pass on: 'multiple', unreadable, or not in the table."""
        return self.multiple or bool(self.unreadable) or bool(self.unshown)


@record
class PastedContainer:
    """A torchinfo row with rows under it (a model, a Sequential, a block): structure, kept for what it holds."""

    line: int
    #: its name as the rows are named: 'ResNet: 1-1'
    name: str
    depth: int
    #: its output, channels last, or None ('--')
    shape: tuple[int, ...] | None
    #: the parameters printed on its own row (a module's own nn.Parameter), 0 for '--'
    own: int
    #: the last line of the rows under it
    end: int


@record
class PastedSummary:
    kind: str  # "keras", "torchinfo" or "torchsummary"

    @property
    def torch(self) -> bool:
        """A PyTorch table: its classes, BatchNorm's 2·C, no activation rows."""
        return self.kind != "keras"
    rows: tuple[PastedRow, ...]
    totals: tuple[tuple[str, int], ...]
    skipped: tuple[str, ...]  # torchinfo's activation rows, which Keras fuses into their layer
    #: the name and shape of the InputLayer row (Keras 3, functional models), which 'Connected to' cells refer to
    input_name: str = ""
    input_shape: tuple[int, ...] | None = None
    #: torchinfo's footer lines, (label, unit, value as written), and the batch its shapes have
    footer: tuple[tuple[str, str, str], ...] = ()
    batch: int = 1
    #: the lines that say rows were left out ('...', '（中略）'), as written: the rows' sum is then not the total
    cuts: tuple[str, ...] = ()
    #: parameters of torchinfo's container rows (a module's own nn.Parameter, printed on its row): in the totals
    container_params: int = 0
    #: the paste starts below its table's header ('Layer (type) …'): rows above its first may have been left out
    headless: bool = False
    #: the outputs of torchinfo's container rows (a block's), which a later row may read: a block's input is the
    #: output of the block before it
    container_shapes: tuple[tuple[int, ...], ...] = ()
    #: a torchinfo table of one nn.Sequential and its children only: each module is handed the one before's output,
    #: so forward() makes nothing between them that the table could hide
    chained: bool = False
    #: a functional model's other InputLayer rows (name, shape), which 'Connected to' cells refer to as well
    more_inputs: tuple[tuple[str, tuple[int, ...]], ...] = ()
    #: torchinfo's container rows, in order (their own parameters and outputs are also above)
    containers: tuple[PastedContainer, ...] = ()


def normalised_axis(row: PastedRow, channels_first: bool = False) -> tuple[int, int] | None:
    """(Keras axis, its size) of the axis whose 4·n (or 3·n, 2·n) a BatchNormalization row's count is, as the paste
    numbers its axes (the batch is 0); the last axis first, as Keras' default axis=-1 is."""
    written = (row.shape[-1], *row.shape[:-1]) if channels_first and len(row.shape) > 1 else row.shape
    for index in range(len(written), 0, -1):
        size = written[index - 1]
        if size and row.params in (4 * size, 3 * size, 2 * size):
            return index, size
    return None
