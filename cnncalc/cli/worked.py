"""The worked examples, computed by hand as a course does: ``conv`` (kernels over a matrix), ``pool`` and ``dense``
(a fully connected layer)."""

from __future__ import annotations

import click

from ..model.layers import ACTIVATIONS
from .options import EXPECT_OPTIONS, Aliased, Command, format_option
from .worked_steps import THEN_HELP, emit_worked, explain_cell, then_steps


@click.command("conv", cls=Command)
@click.option("--matrix", "--input", "image", cls=Aliased, aliases=("--input",), required=True, metavar="M",
              help="The input matrix: '1 0 1; 0 1 0', '… | …' per channel, '-' for stdin, a .txt/.csv/.json/.npy file "
                   "(the --format json of conv or pool included).")
@click.option("--kernel", "kernels", required=True, multiple=True, metavar="M",
              help="The kernel, one block per input channel; values may be fractions (1/9) and the kernel may "
                   "carry a factor: '1/9 * (1 1 1; 1 1 1; 1 1 1)'. Repeat for several kernels: one output channel "
                   "each, as a layer of filters.")
@click.option("--stride", default="1", show_default=True, metavar="S", help="S or SHxSW.")
@click.option("--padding", default="valid", show_default=True, metavar="P",
              help="P, PHxPW, valid or same (Keras' split).")
@click.option("--dilation", default="1", show_default=True, metavar="D", help="D or DHxDW.")
@click.option("--bias", default=0.0, show_default=True, help="Added to every output cell.")
@click.option("--flip", is_flag=True,
              help="True convolution: rotate the kernel 180° first. Without it, cross-correlation, "
                   "as Keras and PyTorch compute.")
@click.option("--activation", type=click.Choice(ACTIVATIONS), help="Applied after the bias.")
@click.option("--then", "then", multiple=True, metavar="STEP", help=THEN_HELP)
@click.option("--explain", metavar="R,C", help="Show the sum of products of output cell R,C (1-based) and its window.")
@format_option()
@EXPECT_OPTIONS
def conv(image: str, kernels: tuple[str, ...], stride: str, padding: str, dilation: str, bias: float, flip: bool,
         activation: str | None, then: tuple[str, ...], explain: str | None, fmt: str, expect: str | None,
         tolerance: float | None, decimals: int | None) -> None:
    """Compute a feature map by hand, as a worked example does: kernels over a (multi-channel) input.

    \b
      cnncalc conv --matrix "1 0 1 0 1; 1 0 0 1 1; 0 1 1 0 0; 1 0 0 1 0; 0 0 1 1 0" \\
                   --kernel "0 1 0; 1 0 -1; 0 1 0" --explain 1,1
      cnncalc conv --matrix x.txt --kernel "1/9 * (1 -1 -1; -1 1 -1; -1 -1 1)" --then relu --then "pool2 ceil"
    """
    from ..analysis.stride import parse_padding, parse_pair
    from ..numeric.matrices import read_matrix, shape_of
    from ..numeric.worked import convolve

    image_m = read_matrix(image, "--matrix")
    kernel_ms = [read_matrix(kernel, "--kernel" if len(kernels) == 1 else f"--kernel {number}")
                 for number, kernel in enumerate(kernels, start=1)]
    strides, dilations = parse_pair(stride, "--stride"), parse_pair(dilation, "--dilation")
    worked = convolve(image_m, kernel_ms if len(kernel_ms) > 1 else kernel_ms[0], strides, parse_padding(padding),
                      dilations, bias, flip, activation)
    h, w, c = shape_of(image_m)
    kh, kw, _ = shape_of(kernel_ms[0])
    out_h, out_w = worked.output.shape[:2]
    operation = "convolution (kernel flipped)" if flip else "cross-correlation"
    many = f"{len(kernels)} kernels of " if len(kernels) > 1 else ""
    title = (f"{operation}: {h}×{w}×{c} input, {many}{kh}×{kw}×{c}{'' if many else ' kernel'}, stride {stride}, "
             f"padding {padding}{f', dilation {dilation}' if dilation != '1' else ''} → {out_h}×{out_w}"
             f"{f'×{len(kernels)}' if many else ''}")
    emit_worked(then_steps([(title, worked)], then), explain_cell(explain), fmt, expect, tolerance, decimals)


@click.command("pool", cls=Command)
@click.option("--matrix", "--input", "image", cls=Aliased, aliases=("--input",), required=True, metavar="M",
              help="The input matrix: '1 2; 3 4', '… | …' per channel, '-' for stdin, or a file (the --format json "
                   "of conv or pool included).")
@click.option("--size", required=True, metavar="K", help="Pool size K or KHxKW.")
@click.option("--stride", metavar="S", help="S or SHxSW; the pool size by default, as in Keras.")
@click.option("--mode", type=click.Choice(["max", "avg", "min"]), default="max", show_default=True)
@click.option("--padding", default="valid", show_default=True, metavar="P",
              help="P (PyTorch: at most half the pool size; averages count the padded zeros, count_include_pad=True), "
                   "PHxPW, valid, or same (Keras: averages exclude padding).")
@click.option("--ceil", is_flag=True, help="PyTorch's ceil_mode: keep a last window that hangs over the edge.")
@click.option("--then", "then", multiple=True, metavar="STEP", help=THEN_HELP)
@click.option("--explain", metavar="R,C", help="Show the arithmetic of output cell R,C (1-based) and its window.")
@format_option()
@EXPECT_OPTIONS
def pool_command(image: str, size: str, stride: str | None, mode: str, padding: str, ceil: bool,
                 then: tuple[str, ...], explain: str | None, fmt: str, expect: str | None, tolerance: float | None,
                 decimals: int | None) -> None:
    """Pool a matrix by hand: max, average or min over each window, channel by channel.

    \b
      cnncalc pool --matrix "12 20 30 0; 8 12 2 0; 34 70 37 4; 112 100 25 12" --size 2 --mode avg
    """
    from ..analysis.stride import parse_padding, parse_pair
    from ..numeric.matrices import read_matrix, shape_of
    from ..numeric.worked import pool

    image_m = read_matrix(image, "--matrix")
    sizes = parse_pair(size, "--size")
    strides = parse_pair(stride, "--stride") if stride else None
    worked = pool(image_m, sizes, strides, mode, parse_padding(padding), ceil)
    h, w, c = shape_of(image_m)
    out_h, out_w = worked.output.shape[:2]
    title = (f"{mode} pooling: {h}×{w}{f'×{c}' if c > 1 else ''} input, {size} pool, stride {stride or size}, "
             f"padding {padding}{', ceil' if ceil else ''} → {out_h}×{out_w}")
    emit_worked(then_steps([(title, worked)], then), explain_cell(explain), fmt, expect, tolerance, decimals)


@click.command("dense", cls=Command)
@click.option("--vector", "--input", "inputs", cls=Aliased, aliases=("--input",), required=True, metavar="V",
              help="The input vector, '0.5 1 -2' (or a one-row matrix, stdin '-', a file).")
@click.option("--weights", metavar="M", help="One row per input value, one column per unit (the weight matrix W). "
                                             "Without it the inputs are the layer's sums (logits).")
@click.option("--bias", metavar="V", help="One bias per unit.")
@click.option("--activation", type=click.Choice(ACTIVATIONS), help="Applied to each unit's sum: softmax for "
                                                                    "class probabilities.")
@click.option("--explain", metavar="J", help="Show unit J's weighted sum (1-based) and its activation.")
@format_option()
@EXPECT_OPTIONS
def dense_command(inputs: str, weights: str | None, bias: str | None, activation: str | None, explain: str | None,
                  fmt: str, expect: str | None, tolerance: float | None, decimals: int | None) -> None:
    """A fully connected layer by hand: each unit's weighted sum plus its bias, then the activation.

    \b
      cnncalc dense --vector "1 2" --weights "0.5 -1; 0.25 1" --bias "0 1" --explain 2
      cnncalc dense --vector "2 1 0.1" --activation softmax --explain 1
    """
    from ..numeric.matrices import read_matrix
    from ..numeric.worked import fully_connected

    def vector(text: str, what: str) -> list[float]:
        matrix = read_matrix(text, what)
        return [value for row in matrix for cell in row for value in cell]

    x = vector(inputs, "--vector")
    worked = fully_connected(x, read_matrix(weights, "--weights") if weights else None,
                             vector(bias, "--bias") if bias else None, activation)
    units = worked.output.shape[1]
    title = (f"fully connected: {len(x)} inputs → {units} units" if weights else f"{units} logits") + \
        (f", {activation}" if activation else "")
    cell = None
    if explain is not None:
        from ..analysis.stride import parse_pair

        cell = (1, parse_pair(explain.split(",")[-1], "--explain unit J")[0])
    emit_worked([(title, worked)], cell, fmt, expect, tolerance, decimals)
