"""More summaries that Keras 2, tf.keras and Keras 3 printed for real people, read whole and checked by hand.

Each paste is kept verbatim under tests/fixtures/pastes (SOURCES.md names where it was published). Every count
expected here is written out from the layer's own arguments (a Conv2D(filters, k) on cin channels holds
(k·k·cin + 1)·filters), so the reader cannot pass by agreeing with itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cnncalc.grading.selfcheck import self_check
from cnncalc.readers.pasted import PastedSummary, parse_summary

PASTES = Path(__file__).resolve().parent / "fixtures" / "pastes"


def read(name: str) -> PastedSummary:
    return parse_summary((PASTES / name).read_text(encoding="utf-8"))


def conv2d(k: int, c_in: int, filters: int) -> int:
    return (k * k * c_in + 1) * filters


def dense(n_in: int, units: int) -> int:
    return (n_in + 1) * units


def lstm(n_in: int, units: int) -> int:
    return 4 * units * (n_in + units + 1)   # four gates, one bias vector each


def simple_rnn(n_in: int, units: int) -> int:
    return units * (n_in + units + 1)


#: file, each row's count from the layer's arguments (InputLayer rows are read as the inputs, not as rows), and
#: the printed total
KERAS = [
    # every space run squeezed to one: Conv2D(32, 3) on 28×28×1, pool, Conv2D(64, 3), pool, Conv2D(64, 3),
    # Flatten 3·3·64, Dense(64), Dense(10)
    ("keras2_spaces_collapsed_geasyheart.txt",
     [conv2d(3, 1, 32), 0, conv2d(3, 32, 64), 0, conv2d(3, 64, 64), 0, dense(3 * 3 * 64, 64), dense(64, 10)], 93_322),
    # NVIDIA's driving model on 66×200×3: three 5×5 convolutions with stride 2, two 3×3, Flatten 1·18·64, Dense …
    ("tf_keras_nvidia_strided_balaji.txt",
     [conv2d(5, 3, 24), conv2d(5, 24, 36), conv2d(5, 36, 48), conv2d(3, 48, 64), conv2d(3, 64, 64), 0,
      dense(18 * 64, 100), dense(100, 50), dense(50, 10), dense(10, 1)], 252_219),
    # Dense 10, 9, 8, 7, 1 on 3 inputs, the author's 'input=3' after the first row
    ("tf_keras_dense_noted_input_nmi344056.txt", [dense(3, 10), dense(10, 9), dense(9, 8), dense(8, 7), dense(7, 1)],
     290),
    # Conv2D(64, 3) on 28×28×1, Conv2D(64, 3), Conv2D(32, 2): 24 → 23, Flatten 23·23·32, a Korean note on a row
    ("tf_keras_conv_2x2_noted_nmi344056.txt",
     [conv2d(3, 1, 64), conv2d(3, 64, 64), conv2d(2, 64, 32), 0, dense(23 * 23 * 32, 32), dense(32, 16),
      dense(16, 10)], 588_218),
    # Bidirectional(SimpleRNN(10)) on 3 steps of 1 feature: two directions; '(Bidirectiona' / 'l)' wrapped
    ("tf_keras_bidirectional_rnn_nmi344056.txt", [2 * simple_rnn(1, 10), dense(20, 7), dense(7, 1)], 395),
    # two towers: Dense 10, 20, 30, 40, 50 on 2 inputs and Dense 100, 200, 300 on 3, concatenated (350), Dense 7, 20, 1
    ("tf_keras_two_towers_concatenate_nmi344056.txt",
     [dense(2, 10), dense(10, 20), dense(20, 30), dense(3, 100), dense(30, 40), dense(100, 200), dense(40, 50),
      dense(200, 300), 0, dense(50 + 300, 7), dense(7, 20), dense(20, 1)], 87_708),
    # commented out: Embedding(31, 100) with no input length, LSTM(10), Dense(10), Dense(1); no trainable lines
    ("tf_keras_embedding_lstm_commented_nmi344056.txt", [31 * 100, lstm(100, 10), dense(10, 10), dense(10, 1)],
     7_661),
]


@pytest.mark.parametrize(("name", "counts", "total"), KERAS)
def test_keras_pastes(name: str, counts: list[int], total: int) -> None:
    pasted = read(name)
    assert pasted.kind == "keras"
    assert [row.params for row in pasted.rows] == counts
    assert dict(pasted.totals)["total"] == sum(counts) == total
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"
