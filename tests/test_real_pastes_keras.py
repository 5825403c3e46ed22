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
    # Keras 1 in a notebook's JSON strings: Convolution2D 5×5 (24, 36, 'same' 48) and 3×3 'same' 64 on 40×80×3
    # with three pools, Flatten 3·8·64, Dense 1024, 100, 50, 10, 1; 'Connected to' names, no trainable lines
    ("keras1_notebook_connected_matthewzimmer.txt",
     [0, conv2d(5, 3, 24), 0, conv2d(5, 24, 36), 0, conv2d(5, 36, 48), 0, conv2d(3, 48, 64), 0, 0,
      dense(3 * 8 * 64, 1024), 0, dense(1024, 100), dense(100, 50), dense(50, 10), dense(10, 1)], 1_776_379),
    # Keras 1 indented as a Markdown code block: a 1×1 colour convolution, then 5×5 and 3×3 ones with stride 2
    # (90×320 → 43×158 → 20×77 → 8×37 → 3×18 → 1×8), Flatten 8·64, Dense 100, 50, 10, 1 between Dropouts
    ("keras1_indented_strided_eljefec.txt",
     [0, 0, conv2d(1, 3, 3), conv2d(5, 3, 24), 0, conv2d(5, 24, 36), 0, conv2d(5, 36, 48), 0, conv2d(3, 48, 64), 0,
      conv2d(3, 64, 64), 0, 0, 0, dense(8 * 64, 100), 0, dense(100, 50), 0, dense(50, 10), 0, dense(10, 1)],
     188_231),
    # Dense(28) on each of 28 rows of 28 (the last axis), Reshape (28, 28, 1), Flatten 784, Dense 32, 10
    ("tf_keras_dense_on_rows_reshape_nmi344056.txt", [dense(28, 28), 0, 0, dense(784, 32), dense(32, 10)], 26_262),
    # LSTM(16, return_sequences=True) on 3 steps of 1 feature, LSTM(9), Dense 7, 1
    ("tf_keras_stacked_lstm_nmi344056.txt", [lstm(1, 16), lstm(16, 9), dense(9, 7), dense(7, 1)], 2_166),
    # three inputs (2, 4 and 3 features), towers interleaved, a three-way Concatenate (50 + 300 + 90), and after
    # Dense(1) 'last' two heads of their own
    ("tf_keras_three_inputs_two_outputs_nmi344056.txt",
     [dense(2, 10), dense(10, 20), dense(4, 60), dense(20, 30), dense(3, 100), dense(60, 70), dense(30, 40),
      dense(100, 200), dense(70, 80), dense(40, 50), dense(200, 300), dense(80, 90), 0, dense(50 + 300 + 90, 7),
      dense(7, 20), dense(20, 1), dense(1, 15), dense(15, 25), dense(1, 16), dense(25, 35), dense(16, 26),
      dense(35, 1), dense(26, 1)], 107_755),
    # pasted as '# ' comments, Korean notes in the header, between the rows and after the totals
    ("tf_keras_commented_korean_notes_nmi344056.txt", [dense(1, 3), dense(3, 4), dense(4, 3), dense(3, 1)], 41),
    # Keras 1 (Theano) on Stack Overflow: Flatten of 1×28×28, Dense(10), an Activation row printed without its type
    ("keras1_untyped_activation_so36946671.txt", [0, dense(784, 10), 0], 7_850),
    # Keras 1 copied from a web page that lost the line breaks: the rows run together between the rules;
    # Dense(514) on 514 inputs, Activation, Dense(257)
    ("keras1_line_breaks_lost_codehunter.txt", [dense(514, 514), 0, dense(514, 257)], 397_065),
    # Keras 2: Dense(512) on 784 inputs, Dense(10); the blog renamed the last row 'output'
    ("keras2_renamed_output_activations_article.txt", [dense(784, 512), dense(512, 10)], 407_050),
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


def resnet50v2_counts() -> tuple[int, int]:
    """keras.applications' ResNet50V2 without its top: (total, non-trainable), from its blocks' arguments."""
    total, moving, c_in = conv2d(7, 3, 64), 0, 64
    for filters, blocks in [(64, 3), (128, 4), (256, 6), (512, 3)]:
        for block in range(blocks):
            # pre-activation BN on the block's input, 1×1 and 3×3 convolutions without a bias (each with a BN),
            # a 1×1 convolution to 4·filters with a bias, and on a stage's first block a 1×1 shortcut with a bias
            norms = 4 * c_in + 2 * 4 * filters
            total += norms + c_in * filters + 9 * filters * filters + dense(filters, 4 * filters) \
                + dense(c_in, 4 * filters) * (block == 0)
            moving += norms // 2
            c_in = 4 * filters
    return total + 4 * c_in, moving + 2 * c_in  # post_bn


def test_keras3_table_exported_as_html_into_markdown() -> None:
    # nbconvert writes a notebook's Keras 3 summary as rich's HTML (<pre>, a <span> a number), cells wrapped onto
    # two lines and types cut by '…' ('(BatchNormalizatio…'); keras.applications.ResNet50V2(include_top=False)
    pasted = read("keras3_rich_html_resnet50v2_nimapourmoradi.txt")
    total, moving = resnet50v2_counts()
    assert dict(pasted.totals) == {"total": total, "trainable": total - moving, "non_trainable": moving} == \
        {"total": 23_564_800, "trainable": 23_519_360, "non_trainable": 45_440}
    assert pasted.input_shape == (224, 224, 3) and len(pasted.rows) == 189
    norms = [row for row in pasted.rows if row.keras_class == "BatchNormalization"]
    assert len(norms) == 3 * 16 + 1 and norms[0].params == 4 * 64   # the first block's pre-activation BN
    assert (pasted.rows[1].name, pasted.rows[1].params) == ("conv1_conv", conv2d(7, 3, 64))
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status != "correct"] == []


def test_a_row_left_out_without_a_mark_is_found() -> None:
    # the article's model is Dense(512) on 784 inputs, five Dense(512), Dense(10): 1,720,330 parameters, as its
    # totals say; its table shows four of the five hidden layers (the last row renamed dense_16), so the rows
    # sum to one Dense(512, 512) less. Every row is explained (the first by 784 inputs), so the total is ✗
    pasted = read("keras2_edited_rows_activations_article.txt")
    shown = [dense(784, 512), *[dense(512, 512)] * 4, dense(512, 10)]
    assert [row.params for row in pasted.rows] == shown
    assert dict(pasted.totals)["total"] == sum(shown) + dense(512, 512) == 1_720_330
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [(v.claim, v.correct) for v in verdicts.values() if v.status == "wrong"] == [("total", f"{sum(shown):,}")]
    assert "784 inputs would explain it" in verdicts["1 dense_1 params"].note



@pytest.mark.parametrize(("name", "counts", "slots"), [
    # R's keras3 printing into an article ('#> ' before each line): Dense 256, 128, 10 on 784 inputs between
    # Dropouts, trained with RMSprop (one slot a weight, and its step count and learning rate)
    ("keras3_r_optimizer_params_kerasnip.txt", [dense(784, 256), 0, dense(256, 128), 0, dense(128, 10)], 1),
    # two inputs of (1, 5) and (1, 3), Dense 16 and 8 on each, concatenated (24), two Dense(1) heads
    ("keras3_r_two_inputs_two_outputs_kerasnip.txt", [dense(5, 16), dense(3, 8), 0, dense(24, 1), dense(24, 1)],
     None),
    # four inputs of 10, 28, 4 and 9 features, a Dense each (128, 64, 40, 64), concatenated (296), Dense(1);
    # trained with Adam (two moments a weight)
    ("keras3_r_four_inputs_kerasnip.txt",
     [dense(10, 128), dense(28, 64), dense(4, 40), dense(9, 64), 0, dense(128 + 64 + 40 + 64, 1)], 2),
])
def test_keras3_printed_by_r(name: str, counts: list[int], slots: int | None) -> None:
    pasted = read(name)
    assert [row.params for row in pasted.rows] == counts
    totals = dict(pasted.totals)
    assert totals["trainable"] == sum(counts)
    if slots is None:
        assert "optimizer" not in totals and totals["total"] == sum(counts)
    else:  # the slots, and the optimizer's iteration count and learning rate
        assert totals["optimizer"] == slots * sum(counts) + 2
        assert totals["total"] == (slots + 1) * sum(counts) + 2
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"


@pytest.mark.parametrize("name", ["keras3_r_four_inputs_kerasnip.txt", "keras3_r_two_inputs_two_outputs_kerasnip.txt",
                                  "tf_keras_three_inputs_two_outputs_nmi344056.txt",
                                  "tf_keras_two_towers_concatenate_nmi344056.txt"])
def test_every_input_of_a_functional_model_is_read(name: str) -> None:
    # a row connected to the second, third or fourth InputLayer reads that input's shape, so its count is checked
    # (input_2 of 3 features read by Dense(8): (3 + 1)·8), not left unchecked for want of an input
    pasted = read(name)
    assert len(pasted.more_inputs) >= 1 and pasted.input_shape is not None
    assert [v.claim for v in self_check(pasted) if v.status != "correct"] == []
