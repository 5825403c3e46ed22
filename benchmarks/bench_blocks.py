"""What blocks with parameters cost: a spec written with blocks against the same network written out, in-process.

    python benchmarks/bench_blocks.py [--runs 7]

Each figure is a ratio of CPU times (``time.process_time``) of parse + resolve, measured in this run: each spec is
read alternately with its written-out twin, --runs pairs, and the median of the pairs' ratios is printed with the
middle half of them, its target, and ok or MISSED.

  * Keras' MobileNetV2 from the zoo (three blocks, 17 uses) against the same 155 layers written out (target ≤ 1.3×):
    a use is filled in once, its layers read as any layer is;
  * 99,990 layers as 3,333 uses of a 30-layer block, against the same layers written out (target ≤ 1.3×): filling
    in a block is linear in its layers;
  * the same 99,990 layers as blocks in blocks (a block of 10 uses of a 3-layer block, used 3,333 times)
    against the written-out text (target ≤ 1.3×).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNIT = "conv{c}x3 same nobias, bn, relu"


def mobilenet_v2_written() -> str:
    """Keras' MobileNetV2 written out: the zoo's file without its blocks, each use spelled in full."""
    def inverted(c: int, o: int) -> str:
        return (f"conv{6 * c}x1 same nobias, bn, relu6, dwconv3 same nobias, bn, relu6, conv{o}x1 same nobias, "
                "bn")

    def down(c: int, o: int) -> str:
        return (f"conv{6 * c}x1 same nobias, bn, relu6, zeropad b1 r1, dwconv3 s2 valid nobias, bn, relu6, "
                f"conv{o}x1 same nobias, bn")

    def residual(c: int) -> str:
        return f"add(id | {inverted(c, c)})"

    lines = ["input 224x224x3", "conv32x3 s2 same nobias, bn, relu6",
             "dwconv3 same nobias, bn, relu6, conv16x1 same nobias, bn",
             down(16, 24), residual(24), down(24, 32), *[residual(32)] * 2, down(32, 64), *[residual(64)] * 3,
             inverted(64, 96), *[residual(96)] * 2, down(96, 160), *[residual(160)] * 2, inverted(160, 320),
             "conv1280x1 nobias, bn, relu6", "gap, dense1000 softmax"]
    return "\n".join(lines)


def cases() -> list[tuple[str, str, str]]:
    """(what, the spec with blocks, the same written out)."""
    zoo = (ROOT / "cnncalc" / "zoo" / "keras" / "MobileNetV2.cnn").read_text(encoding="utf-8")
    uses = 3333
    flat = f"def unit(c) = ({', '.join([UNIT] * 10)})\ninput 8x8x4\n" + "\n".join(f"unit({4 + n % 5})"
                                                                            for n in range(uses))
    nested = (f"def small(c) = ({UNIT})\ndef unit(c) = ({', '.join(['small({c})'] * 10)})\ninput 8x8x4\n"
              + "\n".join(f"unit({4 + n % 5})" for n in range(uses)))
    written = "input 8x8x4\n" + "\n".join(", ".join([UNIT.replace("{c}", str(4 + n % 5))] * 10)
                                          for n in range(uses))
    return [("MobileNetV2 (155 layers)", zoo, mobilenet_v2_written()),
            ("99,990 layers, 3,333 uses", flat, written),
            ("99,990 layers, blocks in blocks", nested, written)]


def cost(read: Callable[[str], object], text: str) -> float:
    start = time.process_time()
    read(text)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    from cnncalc.graph.network import build

    for what, blocks, written in cases():
        net, twin = build(blocks), build(written)
        assert [(layer.name, layer.output_shape, layer.params.total) for layer in net.layers] == \
            [(layer.name, layer.output_shape, layer.params.total) for layer in twin.layers], what
        ratios = []
        for _ in range(runs):
            base = cost(build, written)
            ratios.append(cost(build, blocks) / base)
        ratios.sort()
        median = statistics.median(ratios)
        quarter = len(ratios) // 4
        verdict = "ok" if median <= 1.3 else "MISSED"
        print(f"{what}: blocks / written out {median:.2f}× (middle half {ratios[quarter]:.2f}–"
              f"{ratios[-1 - quarter]:.2f}), target ≤ 1.3×: {verdict}")


if __name__ == "__main__":
    main()
