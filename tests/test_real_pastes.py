"""Summaries that Keras 1, Keras 2 and tf.keras printed for real people, read whole and checked by hand.

The pastes are kept verbatim under tests/fixtures/pastes (SOURCES.md names where each was published). Every
number expected here is written out as arithmetic from the layer's own arguments, so a misreading that the paste
reader and the summary printers of tests/summary_printers.py might share cannot pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cnncalc.grading.pastes import align
from cnncalc.grading.selfcheck import self_check
from cnncalc.graph.network import build
from cnncalc.readers.pasted import PastedSummary, parse_summary

PASTES = Path(__file__).resolve().parent / "fixtures" / "pastes"


def read(name: str) -> PastedSummary:
    return parse_summary((PASTES / name).read_text(encoding="utf-8"))


def rows(pasted: PastedSummary) -> list[tuple[str, str, tuple[int, ...], int]]:
    return [(row.name, row.keras_class, row.shape, row.params) for row in pasted.rows]


def statuses(pasted: PastedSummary) -> dict[str, str]:
    return {v.claim: v.status for v in self_check(pasted)}


def conv2d(k: int, c_in: int, filters: int) -> int:
    return (k * k * c_in + 1) * filters   # k·k·cin weights and one bias per filter


def dense(n_in: int, units: int) -> int:
    return (n_in + 1) * units


def test_keras1_with_its_own_names_a_frozen_layer_and_batch_norm_on_axis_1() -> None:
    # Keras 1.2: Cropping2D(((80, 20), (1, 1))) on 160×320×3, AveragePooling2D((1, 4)), BatchNormalization(axis=1),
    # Convolution2D(24, 3, 3, subsample=(2, 2)), MaxPooling2D() ×3, Dense layers, the last one trainable=False
    pasted = read("keras1_carnd_dventimiglia.txt")
    h, w = 160 - 80 - 20, 320 - 1 - 1                                   # 60 × 318
    w4 = w // 4                                                          # 79
    c1 = ((h - 3) // 2 + 1, (w4 - 3) // 2 + 1)                          # 29 × 39
    c2 = (c1[0] // 2 - 2, c1[1] // 2 - 2)                                # pool to 14 × 19, then 12 × 17
    c3 = (c2[0] // 2 - 2, c2[1] // 2 - 2)                                # 6 × 8, then 4 × 6
    flat = (c3[0] // 2) * (c3[1] // 2) * 48                             # 2·3·48 = 288
    assert rows(pasted) == [
        ("Crop", "Cropping2D", (h, w, 3), 0),
        ("Resize", "AveragePooling2D", (h, w4, 3), 0),
        ("Normalize", "BatchNormalization", (h, w4, 3), 4 * h),          # γ, β, mean, variance on axis 1 (60)
        ("Convolution2D1", "Conv2D", (*c1, 24), conv2d(3, 3, 24)),
        ("MaxPool1", "MaxPooling2D", (c1[0] // 2, c1[1] // 2, 24), 0),
        ("Convolution2D2", "Conv2D", (*c2, 36), conv2d(3, 24, 36)),
        ("MaxPool2", "MaxPooling2D", (c2[0] // 2, c2[1] // 2, 36), 0),
        ("Convolution2D3", "Conv2D", (*c3, 48), conv2d(3, 36, 48)),
        ("MaxPool3", "MaxPooling2D", (c3[0] // 2, c3[1] // 2, 48), 0),
        ("Dropout", "Dropout", (c3[0] // 2, c3[1] // 2, 48), 0),
        ("Flatten", "Flatten", (flat,), 0),
        ("FC2", "Dense", (100,), dense(flat, 100)),
        ("FC3", "Dense", (50,), dense(100, 50)),
        ("FC4", "Dense", (10,), dense(50, 10)),
        ("Readout", "Dense", (1,), dense(10, 1)),
    ]
    total = 4 * h + conv2d(3, 3, 24) + conv2d(3, 24, 36) + conv2d(3, 36, 48) + dense(flat, 100) + dense(100, 50) \
        + dense(50, 10) + dense(10, 1)
    non_trainable = 2 * h + dense(10, 1)      # the moving mean and variance, and the frozen Readout layer
    assert dict(pasted.totals) == {"total": total, "trainable": total - non_trainable,
                                   "non_trainable": non_trainable} == {"total": 58_795, "trainable": 58_664,
                                                                       "non_trainable": 131}
    verdicts = statuses(pasted)
    assert "wrong" not in verdicts.values()
    assert verdicts["3 Normalize params"] == verdicts["4 Convolution2D1 params"] == verdicts["total"] == "correct"
    assert verdicts["non_trainable"] == "unchecked"  # 131 is not 2·60 alone: a frozen layer explains it


def test_keras2_cut_type_cells() -> None:
    # The Keras 2 code in the same file: Conv2D(32, (3, 3), input_shape=(28, 28, 1)), MaxPooling2D((2, 2)), …
    pasted = read("keras2_cnn_instance_sudachi0114.txt")
    assert rows(pasted) == [
        ("conv2d_1", "Conv2D", (28 - 3 + 1, 26, 32), conv2d(3, 1, 32)),
        ("max_pooling2d_1", "MaxPooling2D", (26 // 2, 13, 32), 0),               # "(MaxPooling2" cut at 29 columns
        ("conv2d_2", "Conv2D", (13 - 3 + 1, 11, 64), conv2d(3, 32, 64)),
        ("max_pooling2d_2", "MaxPooling2D", (11 // 2, 5, 64), 0),
        ("conv2d_3", "Conv2D", (5 - 3 + 1, 3, 64), conv2d(3, 64, 64)),
    ]
    assert dict(pasted.totals)["total"] == conv2d(3, 1, 32) + conv2d(3, 32, 64) + conv2d(3, 64, 64) == 55_744
    verdicts = statuses(pasted)
    assert "wrong" not in verdicts.values() and verdicts["total"] == "correct"
    assert verdicts["1 conv2d_1 params"] == "unchecked"  # Keras 2 prints no input row: 320 = (9·cin + 1)·32 alone
    net = build("input 28x28x1, conv32x3 relu, pool2, conv64x3 relu, pool2, conv64x3 relu")
    assert [v.claim for v in align(net, pasted) if not v.ok] == []


def test_keras2_mnist_cnn() -> None:
    # keras/examples/mnist_cnn.py: Conv2D(32, 3), Conv2D(64, 3), MaxPooling2D(2), Dropout, Flatten, Dense(128), …
    pasted = read("keras2_mnist_cnn_datascience72185.txt")
    flat = 12 * 12 * 64
    assert rows(pasted) == [
        ("conv2d_1", "Conv2D", (26, 26, 32), conv2d(3, 1, 32)),
        ("conv2d_2", "Conv2D", (24, 24, 64), conv2d(3, 32, 64)),
        ("max_pooling2d_1", "MaxPooling2D", (12, 12, 64), 0),
        ("dropout_1", "Dropout", (12, 12, 64), 0),
        ("flatten_1", "Flatten", (flat,), 0),
        ("dense_1", "Dense", (128,), dense(flat, 128)),
        ("dropout_2", "Dropout", (128,), 0),
        ("dense_2", "Dense", (10,), dense(128, 10)),
    ]
    total = conv2d(3, 1, 32) + conv2d(3, 32, 64) + dense(flat, 128) + dense(128, 10)
    assert dict(pasted.totals) == {"total": total, "trainable": total, "non_trainable": 0}
    assert "wrong" not in statuses(pasted).values()
    net = build("input 28x28x1, conv32x3 relu, conv64x3 relu, pool2, dropout0.25, flatten, dense128 relu, "
                "dropout0.5, dense10 softmax")
    assert [v.claim for v in align(net, pasted) if not v.ok] == []


def test_keras2_imdb_cnn_with_a_row_in_markdown_bold() -> None:
    # keras/examples/imdb_cnn.py: Embedding(5000, 50, input_length=400), Conv1D(250, 3), GlobalMaxPooling1D,
    # Dense(250), Dense(1); the author bolded one row with ** … **
    pasted = read("keras2_imdb_cnn_issue8423.txt")
    assert rows(pasted) == [
        ("embedding_6", "Embedding", (400, 50), 5000 * 50),
        ("dropout_5", "Dropout", (400, 50), 0),
        ("conv1d_4", "Conv1D", (400 - 3 + 1, 250), (3 * 50 + 1) * 250),
        ("global_max_pooling1d_5", "GlobalMaxPooling1D", (250,), 0),   # "(Glob" cut
        ("dense_6", "Dense", (250,), dense(250, 250)),
        ("dropout_6", "Dropout", (250,), 0),
        ("activation_5", "Activation", (250,), 0),
        ("dense_7", "Dense", (1,), dense(250, 1)),
        ("activation_6", "Activation", (1,), 0),
    ]
    assert dict(pasted.totals)["total"] == 5000 * 50 + (3 * 50 + 1) * 250 + dense(250, 250) + dense(250, 1)
    verdicts = statuses(pasted)
    assert "wrong" not in verdicts.values() and verdicts["total"] == "correct"
    assert verdicts["3 conv1d_4 params"] == "correct"


def test_tf_keras_pasted_as_comments_with_blank_lines() -> None:
    # Conv2D(10, (2, 2), input_shape=(5, 5, 1)), Conv2D(5, (2, 2))
    pasted = read("tf_keras_cnn01_jeonggihyun.txt")
    assert rows(pasted) == [("conv2d", "Conv2D", (4, 4, 10), conv2d(2, 1, 10)),
                            ("conv2d_1", "Conv2D", (3, 3, 5), conv2d(2, 10, 5))]
    assert dict(pasted.totals)["total"] == 50 + 205 == 255
    assert statuses(pasted)["2 conv2d_1 params"] == "correct"
    net = build("input 5x5x1, conv10x2, conv5x2")
    assert [v.claim for v in align(net, pasted) if not v.ok] == []


@pytest.mark.parametrize(("name", "row", "printed"), [
    ("keras1_carnd_dventimiglia.txt", "6 Convolution2D2", "7812"),
    ("keras2_cnn_instance_sudachi0114.txt", "3 conv2d_2", "18496"),
    ("keras2_mnist_cnn_datascience72185.txt", "6 dense_1", "1179776"),
])
def test_a_misprinted_count_in_a_real_paste_is_found(name: str, row: str, printed: str) -> None:
    text, changed = re.subn(rf"(?<= ){printed}(?=\s)", str(int(printed) + 10),
                            (PASTES / name).read_text(encoding="utf-8"))
    assert changed == 1
    assert f"{row} params" in [v.claim for v in self_check(parse_summary(text)) if v.status == "wrong"]


# PyTorch: torchsummary and torchinfo list modules only, so what forward() does with functions has no row.


def bn2d(channels: int) -> int:
    return 2 * channels  # PyTorch counts gamma and beta; the running statistics are buffers


def test_torchsummary_vgg16_an_adaptive_pool_that_repeats_and_a_flatten_it_cannot_show() -> None:
    # torchvision's VGG16 with 43 classes on a 32×32 image: five 2×2 pools take 32 to 1, AdaptiveAvgPool2d((7, 7))
    # repeats that 1×1 map to 7×7, and torch.flatten in forward() (no row) hands 512·7·7 values to the first Linear
    pasted = read("torchsummary_vgg16_gtsrb_galbarak161.txt")
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    adaptive = verdicts["32 AdaptiveAvgPool2d: 1-45 output"]
    assert adaptive.status == "correct" and adaptive.arithmetic == "1 → 7, 1 → 7"
    linear = verdicts["33 Linear: 1-46 params"]
    assert linear.status == "correct" and linear.given == f"{dense(512 * 7 * 7, 4096):,}" == "102,764,544"
    assert "a flatten in forward()" in linear.note
    widths = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256), (256, 512),
              (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)]
    total = sum(conv2d(3, c_in, c_out) + bn2d(c_out) for c_in, c_out in widths) \
        + dense(512 * 7 * 7, 4096) + dense(4096, 4096) + dense(4096, 43)
    assert dict(pasted.totals) == {"total": total} == {"total": 134_445_163}
    assert verdicts["total"].status == "correct"


def test_torchsummary_a_linear_after_a_map_reads_its_flatten() -> None:
    # 'ResNet 34' of the same project: three conv stages on 32×32×3, then Linear(256·4·4, 2048) after a view()
    pasted = read("torchsummary_resnet34_gtsrb_galbarak161.txt")
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["32 Linear: 1-44 params"].given == f"{dense(256 * 4 * 4, 2048):,}" == "8,390,656"
    assert verdicts["32 Linear: 1-44 output"].status == verdicts["32 Linear: 1-44 params"].status == "correct"
    stages = [(3, 32), (32, 32), (32, 32), (32, 64), (64, 64), (64, 64), (64, 128), (128, 128), (128, 128),
              (128, 256), (256, 256), (256, 256)]
    # a batch norm after each conv but the third of a stage, and one more after its pool (the last stage: its dropout)
    norms = [32, 32, 32, 64, 64, 64, 128, 128, 128, 256, 256, 256]
    total = sum(conv2d(3, c_in, c_out) for c_in, c_out in stages) + sum(map(bn2d, norms)) \
        + dense(256 * 4 * 4, 2048) + bn2d(2048) + dense(2048, 43)
    assert dict(pasted.totals) == {"total": total} == {"total": 10_441_835}
    assert verdicts["total"].status == "correct"
    # with the spec: the flatten has no row in a PyTorch table, so it is not shown, never missing
    net = build("input 3x32x32 nchw, [conv32x3 same, bn, relu]x2, conv32x3 same, dropout0.2, pool2, bn, relu, "
                "[conv64x3 same, bn, relu]x2, conv64x3 same, dropout0.2, pool2, bn, relu, "
                "[conv128x3 same, bn, relu]x2, conv128x3 same, dropout0.2, pool2, bn, relu, "
                "[conv256x3 same, bn, relu]x2, conv256x3 same, dropout0.2, bn, relu, flatten, "
                "dense2048, bn, relu, dropout0.5, dense43")
    checked = align(net, pasted)
    assert [v.claim for v in checked if v.status == "wrong"] == []
    assert [(v.given, v.status) for v in checked if "not shown" in v.given] == [("(not shown)", "unchecked")]


def test_torchsummary_lenet5_as_convolutions() -> None:
    # LeNet-5 on 32×32×3 with its dense layers as convolutions to 1×1 (Conv2d(16, 120, 5) on 5×5), each with a
    # BatchNorm2d
    pasted = read("torchsummary_lenet5_gtsrb_galbarak161.txt")
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["5 Conv2d: 1-7 params"].given == f"{conv2d(5, 16, 120):,}" == "48,120"
    assert verdicts["5 Conv2d: 1-7 output"].arithmetic == ""  # 5 → 1 by a 5×5 kernel, said in the note
    assert "5 → 1: kernel 5, stride 1, valid" in verdicts["5 Conv2d: 1-7 output"].note
    total = conv2d(5, 3, 6) + conv2d(5, 6, 16) + conv2d(5, 16, 120) + bn2d(120) + conv2d(1, 120, 84) + bn2d(84) \
        + conv2d(1, 84, 43)
    assert dict(pasted.totals)["total"] == total == 65_219
    assert verdicts["total"].status == "correct"


def test_torchsummary_totals_as_markdown_bullets_and_1x1_convolutions_padded_by_1() -> None:
    # a CIFAR 'custom ResNet': Conv2d(64, 128, 1, padding=1) turns 32 into 32 + 2 − 1 + 1 = 34, which PyTorch allows;
    # the totals are Markdown bullets ('- Total params: 5,196,874')
    pasted = read("torchsummary_custom_resnet_bullets_bala1802.txt")
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["3 Conv2d: 1-4 output"].note == "32 → 34: kernel 1, stride 1, padding 1 (every axis)"
    convs = [(3, 3, 64), (1, 64, 128), (3, 128, 128), (3, 128, 128), (1, 128, 256), (1, 256, 512), (3, 512, 512),
             (3, 512, 512)]
    total = sum(k * k * c_in * c_out for k, c_in, c_out in convs) + sum(bn2d(c) for _, _, c in convs) \
        + dense(512, 10)  # no bias on the convolutions; the Linear reads 512·1·1 after the adaptive pool
    assert dict(pasted.totals) == {"total": total, "trainable": total, "non_trainable": 0}
    assert total == 5_196_874 and verdicts["total"].status == "correct"


def test_torchsummary_in_a_notebook_with_pools_done_in_forward() -> None:
    # ERA's session 5 network: conv 1→32→64, F.max_pool2d(x, 2), conv 64→128→256, F.max_pool2d, view(-1, 4096),
    # Linear(4096, 50), Linear(50, 10), all without a bias; the table sits in the notebook's JSON strings
    pasted = read("torchsummary_notebook_era_s5_bala1802.txt")
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["5 Linear: 1-5 params"].given == f"{4096 * 50:,}"  # 256·4·4 inputs: (8 // 2)², no bias
    assert "F.max_pool2d(x, 2)" in verdicts["5 Linear: 1-5 params"].note
    total = 9 * 1 * 32 + 9 * 32 * 64 + 9 * 64 * 128 + 9 * 128 * 256 + 4096 * 50 + 50 * 10
    assert dict(pasted.totals)["total"] == total == 592_660 and verdicts["total"].status == "correct"
    # with the spec: the two pools and the flatten are done in forward(), so they have no row, and are not missing
    net = build("input 1x28x28 nchw, conv32x3 nobias, conv64x3 nobias, pool2, conv128x3 nobias, conv256x3 nobias, "
                "pool2, flatten, dense50 nobias, dense10 nobias")
    checked = align(net, pasted)
    assert [v.claim for v in checked if v.status == "wrong"] == []
    assert sum(v.given == "(not shown)" for v in checked) == 3


def test_torchsummary_resnet18_shortcuts_read_the_blocks_input() -> None:
    # kuangliu's CIFAR ResNet-18: each downsampling block's 1×1 shortcut reads the block's input (two rows up), the
    # BasicBlock rows are the blocks' outputs (0 of their own), and F.avg_pool2d(out, 4) precedes the Linear
    pasted = read("torchsummary_resnet18_blocks_pratikiiitb2013.txt")
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    shortcut = verdicts["17 Conv2d: 1-17 params"]
    assert shortcut.given == f"{64 * 128:,}" and "an earlier row's output (None, 32, 32, 64)" in shortcut.note
    assert verdicts["49 Linear: 1-49 params"].given == f"{dense(512, 10):,}"
    stages = [(64, 64, False), (64, 128, True), (128, 256, True), (256, 512, True)]
    total = 9 * 3 * 64 + bn2d(64) + dense(512, 10)
    for c_in, c_out, down in stages:  # two blocks a stage, two 3×3 convolutions a block, a 1×1 shortcut if down
        total += 9 * c_in * c_out + 9 * c_out * c_out * 3 + 4 * bn2d(c_out) + (c_in * c_out + bn2d(c_out)) * down
    assert dict(pasted.totals)["total"] == total == 11_173_962 and verdicts["total"].status == "correct"


def test_torchinfo_unbatched_with_input_and_percent_columns() -> None:
    # summary(model, input_size=(1, 28, 28)): no batch axis, so Conv2d's [32, 26, 26] is C×H×W; the Input Shape column
    # shows what each module was handed (the 2×2 pool done in forward(): 24 → 12), and view(-1, 4096) makes [1, 4096]
    pasted = read("torchinfo_unbatched_era_s5_mhemaap.txt")
    assert [(row.shape, row.input, row.params) for row in pasted.rows] == [
        ((26, 26, 32), (28, 28, 1), conv2d(3, 1, 32)),
        ((24, 24, 64), (26, 26, 32), conv2d(3, 32, 64)),
        ((10, 10, 128), (12, 12, 64), conv2d(3, 64, 128)),
        ((8, 8, 256), (10, 10, 128), conv2d(3, 128, 256)),
        ((50, 1), (4096, 1), dense(256 * 4 * 4, 50)),   # [1, 50] as the reader keeps PyTorch's axes: (50, 1)
        ((10, 1), (50, 1), dense(50, 10)),
    ]
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status != "correct"] == []
    assert verdicts["1 Conv2d: 1-1 output"].note == "28 → 26: kernel 3, stride 1, valid (every axis)"
    assert verdicts["3 Conv2d: 1-3 output"].note == "12 → 10: kernel 3, stride 1, valid (every axis)"
    total = conv2d(3, 1, 32) + conv2d(3, 32, 64) + conv2d(3, 64, 128) + conv2d(3, 128, 256) + dense(4096, 50) \
        + dense(50, 10)
    assert dict(pasted.totals) == {"total": total, "trainable": total, "non_trainable": 0} == \
        {"total": 593_200, "trainable": 593_200, "non_trainable": 0}


def test_keras3_optimizer_params_are_in_the_total() -> None:
    # Dense(64) on 784 inputs, Dense(10), trained with Adam: Keras 3's total adds the optimizer's variables, two
    # moments a weight and one step count, so 50,890 + 2·50,890 + 2 (the iteration and learning-rate variables)
    pasted = read("keras3_optimizer_params_amartilomena.txt")
    layers = dense(784, 64) + dense(64, 10)
    optimizer = 2 * layers + 2
    assert dict(pasted.totals) == {"total": layers + optimizer, "trainable": layers, "non_trainable": 0,
                                   "optimizer": optimizer} == \
        {"total": 152_672, "trainable": 50_890, "non_trainable": 0, "optimizer": 101_782}
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == verdicts["trainable + non_trainable + optimizer"].status == "correct"
    assert verdicts["2 dense_1 params"].status == "correct"
    # the total misprinted: the rows, the split and the optimizer's line agree against it; one ✗, the sum shown
    text = (PASTES / "keras3_optimizer_params_amartilomena.txt").read_text(encoding="utf-8")
    changed = self_check(parse_summary(text.replace("Total params: 152,672", "Total params: 152,772")))
    assert [(v.claim, v.correct) for v in changed if v.status == "wrong"] == [("total", f"{layers + optimizer:,}")]


def vgg16_convolutions() -> int:
    widths = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256), (256, 512),
              (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)]
    return sum(conv2d(3, c_in, c_out) for c_in, c_out in widths)


#: Keras pastes from one student's study notes, each as they left it in their code (SOURCES.md): file, each row's
#: count, and the total, all from the layers' arguments
STUDY_NOTES = [
    ("tf_keras_autoencoder_soknamu.txt", [dense(784, 64), dense(64, 784)], 101_200),
    # CastToFloat32, ExpandLastDim (not modelled, 0), Normalization's mean, variance and count: 2·1 + 1
    ("tf_keras_autokeras_wrapped_types_soknamu.txt",
     [0, 0, 2 * 1 + 1, conv2d(3, 1, 32), conv2d(3, 32, 64), 0, 0, 0, 0, dense(12 * 12 * 64, 10), 0], 110_989),
    # Conv2D(64, 2, padding='same') on 28×28×1, pool, Conv2D(64, 2), Conv2D(32, 2), then a flatten or a GAP head
    ("keras2_flatten_head_soknamu.txt",
     [conv2d(2, 1, 64), 0, conv2d(2, 64, 64), conv2d(2, 64, 32), 0, dense(12 * 12 * 32, 10)], 71_082),
    ("keras2_gap_head_soknamu.txt", [conv2d(2, 1, 64), 0, conv2d(2, 64, 64), conv2d(2, 64, 32), 0, dense(32, 10)],
     25_322),
    ("keras2_dense_with_weights_inline_soknamu.txt", [dense(1, 3), dense(3, 2), dense(2, 1)], 17),
    ("keras2_dense_frozen_soknamu.txt", [dense(1, 3), dense(3, 2), dense(2, 1)], 17),
    ("tf_keras_nested_vgg16_soknamu.txt", [vgg16_convolutions(), 0, dense(512, 100), dense(100, 10)], 14_766_998),
    ("keras2_dense_annotated_soknamu.txt", [dense(1, 5), dense(5, 4), dense(4, 3), dense(3, 2), dense(2, 1)], 60),
    # Conv2D(32, 3, padding='same') on 28×28×1, pool, Conv2D(64, 3, 'same'), pool, Flatten 7·7·64, Dense 64, 5
    ("tf_keras_cnn_annotated_hajinhee.txt",
     [conv2d(3, 1, 32), 0, conv2d(3, 32, 64), 0, 0, dense(7 * 7 * 64, 64), dense(64, 5)], 219_909),
    # Conv1D(10, 7, input_shape=(16, 192)): 16 → 10; Conv1D(8, 8): 10 → 3; Flatten 3·8, Dense …
    ("tf_keras_conv1d_hajinhee.txt",
     [(7 * 192 + 1) * 10, (8 * 10 + 1) * 8, 0, dense(24, 10), dense(10, 8), dense(8, 4), dense(4, 2), dense(2, 1)],
     14_485),
    # Conv2D(10, 2, 'same') on 28×28×1, pool, Conv2D 2×2 ×4, Flatten 1000, Reshape (100, 10), Conv1D(5, 2),
    # LSTM(15): 4·15·(5 + 15 + 1), Dense(10)
    ("tf_keras_reshape_lstm_hajinhee.txt",
     [conv2d(2, 1, 10), 0, conv2d(2, 10, 5), conv2d(2, 5, 7), conv2d(2, 7, 7), conv2d(2, 7, 10), 0, 0,
      (2 * 10 + 1) * 5, 4 * 15 * (5 + 15 + 1), dense(15, 10)], 2_420),
    # two Dense towers on inputs of 3 and 2, concatenated (7 + 5), then Dense 10, 7, 1
    ("tf_keras_two_inputs_concatenate_hajinhee.txt",
     [dense(3, 10), dense(2, 5), dense(10, 10), dense(5, 7), dense(10, 10), dense(7, 7), dense(10, 10), dense(7, 7),
      dense(10, 5), 0, dense(7 + 5, 10), dense(10, 7), dense(7, 1)], 809),
    # Embedding(28, 10) on 5 tokens, Flatten 5·10, Dense(2)
    ("tf_keras_embedding_flatten_hajinhee.txt", [28 * 10, 0, dense(50, 2)], 382),
]


@pytest.mark.parametrize(("name", "counts", "total"), STUDY_NOTES)
def test_keras_study_notes(name: str, counts: list[int], total: int) -> None:
    pasted = read(name)
    assert [row.params for row in pasted.rows] == counts
    assert dict(pasted.totals)["total"] == sum(counts) == total
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"


def test_tf_keras_vgg16_with_its_top_and_its_bottom_lines_alone() -> None:
    # keras.applications' VGG16: 13 convolutions, then Flatten 7·7·512 and Dense 4096, 4096, 1000
    top = dense(7 * 7 * 512, 4096) + dense(4096, 4096) + dense(4096, 1000)
    pasted = read("tf_keras_vgg16_commented_soknamu.txt")
    assert dict(pasted.totals)["total"] == vgg16_convolutions() + top == 138_357_544
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status != "correct"] == []  # the InputLayer row shows the input
    # an answer that shows only the table's last lines: no header, so rows above may have been left out, and the
    # rows shown (123,642,856) against the total (138,357,544) are the paste's cut, not a misprint
    bottom = read("tf_keras_vgg16_bottom_lines_so72054299.txt")
    assert bottom.headless and [row.params for row in bottom.rows] == [0, dense(25088, 4096), dense(4096, 4096),
                                                                         dense(4096, 1000)]
    total = [v for v in self_check(bottom) if v.claim == "total"]
    assert [(v.status, v.correct) for v in total] == [("unchecked", "?")]
    assert f"the rows shown sum to {top:,}, not {vgg16_convolutions() + top:,}" in total[0].note


# torchinfo's own expected outputs (its test suite's .out files): what torchinfo prints, verbatim


@pytest.mark.parametrize("name", ["torchinfo_own_recursive.txt", "torchinfo_own_row_settings.txt",
                                  "torchinfo_own_groups.txt", "torchinfo_own_trainable_column.txt",
                                  "torchinfo_own_single_input_all_cols.txt", "torchinfo_own_google.txt",
                                  "torchinfo_own_ascii_only.txt", "torchinfo_own_genotype.txt",
                                  "torchinfo_columns_shufflenet_issue62009.txt"])
def test_torchinfo_prints_no_false_alarm(name: str) -> None:
    pasted = read(name)
    assert pasted.kind == "torchinfo"
    assert [v.claim for v in self_check(pasted) if v.status == "wrong"] == []


def test_torchinfo_recursive_rows_count_once() -> None:
    # one Conv2d(64, 64, 3, padding=1) applied six times: its 3·3·64·64 + 64 counted on its first row
    pasted = read("torchinfo_own_recursive.txt")
    assert [(row.params, row.recursive) for row in pasted.rows] == [(conv2d(3, 64, 64), False)] + [(0, True)] * 5
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert verdicts["2 Conv2d: 1-2 params"].status == "unchecked"
    assert verdicts["total"].status == "correct" and verdicts["total"].given == f"{conv2d(3, 64, 64):,}"


def test_torchinfo_columns_read_by_their_header() -> None:
    # row_settings=("var_names",): 'Conv2d (conv1)' without depth-idx; every column, Groups among them
    named = read("torchinfo_own_row_settings.txt")
    counts = [conv2d(5, 1, 10), conv2d(5, 10, 20), 0, dense(320, 50), dense(50, 10)]
    assert [row.params for row in named.rows] == counts and sum(counts) == dict(named.totals)["total"] == 21_840
    every = read("torchinfo_own_single_input_all_cols.txt")
    assert [(row.params, row.input) for row in every.rows][:2] == [(conv2d(5, 1, 10), (28, 28, 1)),
                                                                    (conv2d(5, 10, 20), (12, 12, 10))]
    assert {v.claim: v.status for v in self_check(every)}["4 Linear: 1-4 params"] == "correct"   # [7, 320] in
    # Conv2d(16, 32, 3, groups=4): (3·3·16/4 + 1)·32, the input read from the Input Shape column
    grouped = {v.claim: v for v in self_check(read("torchinfo_own_groups.txt"))}
    assert grouped["1 Conv2d: 4 params"].given == f"{(9 * 16 // 4 + 1) * 32:,}" == "1,184"
    assert grouped["1 Conv2d: 4 params"].status == "correct" and "4 groups" in grouped["1 Conv2d: 4 params"].note
    # no Param # column: the counts are not in the paste, so the total is unchecked, not 0
    counted = {v.claim: v for v in self_check(read("torchinfo_own_trainable_column.txt"))}
    assert counted["total"].status == "unchecked" and "Param #" in counted["total"].note


@pytest.mark.parametrize("marker", ["...", "…", "[...]", "（中略）", "# 40 more layers"])
def test_rows_left_out_are_unchecked_never_wrong(marker: str) -> None:
    # the VGG16 paste above with its block2…block4 rows replaced by a line that says rows were left out, as pastes
    # often do: the rows shown sum to less than the total, which is then unchecked; the row after the cut reads
    # a row the paste does not show, so its count is unchecked too
    text = (PASTES / "tf_keras_vgg16_commented_soknamu.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "block2_conv1" in line)
    last = next(i for i, line in enumerate(lines) if "block4_pool" in line)
    cut = "\n".join([*lines[:first], f"# {marker}", *lines[last + 1:]])
    pasted = parse_summary(cut)
    assert pasted.cuts and [row.name for row in pasted.rows][:4] == ["block1_conv1", "block1_conv2", "block1_pool",
                                                                      "block5_conv1"]
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["4 block5_conv1 params"].status == "unchecked"
    shown = conv2d(3, 3, 64) + conv2d(3, 64, 64) + 3 * conv2d(3, 512, 512) + dense(7 * 7 * 512, 4096) \
        + dense(4096, 4096) + dense(4096, 1000)
    assert verdicts["total"].status == "unchecked" and f"the rows shown sum to {shown:,}" in verdicts["total"].note
