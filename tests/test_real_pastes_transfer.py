"""Transfer learning as real people pasted it: a torchvision network, frozen in whole or in part, under a new head,
printed by torchinfo (its frozen modules' counts in parentheses, '(9,408)') and by torchsummary; and a Keras
application as one '(Functional)' row under a new head.

Each paste is kept verbatim under tests/fixtures/pastes (SOURCES.md names where it was published). The counts are
written out from the modules' arguments, and the networks' totals from torchvision's documented counts (resnet18
11,689,512, resnet34 21,797,672, resnet50 25,557,032, efficientnet_b0 5,288,548 parameters), less the classifier
each replaces (Linear(512, 1000), Linear(2048, 1000), Linear(1280, 1000)), and Keras' from its documented counts
(ResNet50 25,636,712, MobileNetV2 3,538,984) less Dense(2048, 1000) and Dense(1280, 1000).
"""

from __future__ import annotations

from pathlib import Path

from cnncalc.grading.selfcheck import self_check
from cnncalc.readers.pasted import PastedSummary, parse_summary

PASTES = Path(__file__).resolve().parent / "fixtures" / "pastes"

RESNET18_BASE = 11_689_512 - (512 * 1000 + 1000)
RESNET34_BASE = 21_797_672 - (512 * 1000 + 1000)
RESNET50_BASE = 25_557_032 - (2048 * 1000 + 1000)
EFFICIENTNET_B0_BASE = 5_288_548 - (1280 * 1000 + 1000)
KERAS_RESNET50_NOTOP = 25_636_712 - (2048 * 1000 + 1000)
KERAS_MOBILENETV2_NOTOP = 3_538_984 - (1280 * 1000 + 1000)


def read(name: str) -> PastedSummary:
    return parse_summary((PASTES / name).read_text(encoding="utf-8"))


def conv(k: int, c_in: int, c_out: int) -> int:
    return k * k * c_in * c_out  # torchvision's convolutions before a BatchNorm2d have no bias


def linear(n_in: int, n_out: int) -> int:
    return n_in * n_out + n_out


def basic(c_in: int, c_out: int, down: bool) -> int:
    """A ResNet BasicBlock: two 3×3 convolutions with their BatchNorm2d (2·C), a 1×1 shortcut where it halves."""
    return conv(3, c_in, c_out) + conv(3, c_out, c_out) + 4 * c_out + down * (conv(1, c_in, c_out) + 2 * c_out)


def bottleneck(c_in: int, mid: int, down: bool) -> int:
    """A ResNet Bottleneck: 1×1 to mid, 3×3, 1×1 to 4·mid, each with its BatchNorm2d, and a 1×1 shortcut."""
    out = 4 * mid
    return conv(1, c_in, mid) + conv(3, mid, mid) + conv(1, mid, out) + 2 * (mid + mid + out) + \
        down * (conv(1, c_in, out) + 2 * out)


def resnet50_blocks() -> list[int]:
    blocks = []
    for c_in, mid, repeats in [(64, 64, 3), (256, 128, 4), (512, 256, 6), (1024, 512, 3)]:
        blocks += [bottleneck(c_in, mid, True)] + [bottleneck(4 * mid, mid, False)] * (repeats - 1)
    return blocks


def verdicts(pasted: PastedSummary) -> dict:
    return {v.claim: v for v in self_check(pasted)}


def test_resnet18_frozen_but_its_last_block_checks_the_split_by_its_parentheses() -> None:
    # resnet18 with Linear(512, 5) as fc, everything frozen but layer4's second block: torchinfo prints the frozen
    # modules' counts in parentheses, so they are the non-trainable total and the rest the trainable one
    name = "transfer_torchinfo_resnet18_partly_frozen_aegis.txt"
    pasted = read(name)
    blocks = [basic(64, 64, False), basic(64, 64, False), basic(64, 128, True), basic(128, 128, False),
              basic(128, 256, True), basic(256, 256, False), basic(256, 512, True), basic(512, 512, False)]
    counts = [conv(7, 3, 64), 2 * 64, 0, *blocks, 0, linear(512, 5)]
    assert [row.params for row in pasted.rows] == counts
    assert [row.params for row in pasted.rows if row.frozen] == counts[:2] + blocks[:-1]
    assert sum(counts) == RESNET18_BASE + linear(512, 5) == 11_179_077
    found = verdicts(pasted)
    assert [v.claim for v in found.values() if v.status == "wrong"] == []
    assert found["total"].status == found["non_trainable"].status == "correct"
    assert found["non_trainable"].correct == f"{sum(counts[:2] + blocks[:-1]):,}" == "6,455,872"
    # a split misprinted (the trainable line as well, so that they still add up): the frozen rows alone hold more
    text = (PASTES / name).read_text(encoding="utf-8")
    bad = text.replace("Trainable params: 4,723,205", "Trainable params: 4,724,077") \
        .replace("Non-trainable params: 6,455,872", "Non-trainable params: 6,455,000")
    wrong = [(v.claim, v.correct) for v in self_check(parse_summary(bad)) if v.status == "wrong"]
    assert wrong == [("non_trainable", "6,455,872")]


def test_resnet50_frozen_under_a_new_fc_at_depth_two() -> None:
    # row_settings=('depth', 'var_names'), depth=2: resnet50 with every parameter frozen, then Linear(2048, 5)
    pasted = read("transfer_torchinfo_resnet50_frozen_new_fc_notebook_thomd.txt")
    counts = [conv(7, 3, 64), 2 * 64, 0, *resnet50_blocks(), 0, linear(2048, 5)]
    assert [row.params for row in pasted.rows] == counts
    assert sum(counts) == RESNET50_BASE + linear(2048, 5) == 23_518_277
    found = verdicts(pasted)
    assert [v.claim for v in found.values() if v.status == "wrong"] == []
    assert found["total"].status == found["non_trainable"].status == "correct"
    assert found["non_trainable"].correct == f"{RESNET50_BASE:,}"


def test_resnet50_partly_frozen_modules_print_plain_counts() -> None:
    # the same network with a three-Linear head, some parameters frozen inside modules that keep trainable ones:
    # torchinfo prints their counts without parentheses, so nothing in the paste says where the 7,001,024 frozen
    # parameters are; the split is unchecked, never marked wrong
    pasted = read("transfer_torchinfo_resnet50_bn_frozen_head_notebook_thomd.txt")
    head = [linear(2048, 512), 0, linear(512, 256), 0, linear(256, 5)]  # the Dropouts' rows hold nothing
    assert [row.params for row in pasted.rows] == [conv(7, 3, 64), 2 * 64, 0, *resnet50_blocks(), 0, *head]
    assert not any(row.frozen for row in pasted.rows)
    found = verdicts(pasted)
    assert [v.claim for v in found.values() if v.status == "wrong"] == []
    assert found["total"].given == f"{RESNET50_BASE + sum(head):,}" and found["total"].status == "correct"
    assert found["non_trainable"].status == "unchecked"


def test_abridged_torchinfo_rows_leave_the_total_unchecked() -> None:
    # the author replaced layer1 to layer4 of a resnet34 by '└─Sequential: 2-5 ... 8' and '└─BasicBlock: ...', and
    # five of efficientnet_b0's feature stages by '└─Sequential: 3-...': the rows shown are not the whole network,
    # so their sum against the total is no error
    resnet = read("transfer_torchinfo_resnet34_abridged_bilberry.txt")
    head = [0, linear(512, 256), 2 * 256, linear(256, 1)]  # Dropout, Linear, LayerNorm, Linear
    assert [row.params for row in resnet.rows] == [conv(7, 3, 64), 2 * 64, 0, 0, *head]
    assert len(resnet.cuts) == 2
    assert dict(resnet.totals)["total"] == RESNET34_BASE + sum(head) == 21_416_769
    efficientnet = read("transfer_torchinfo_efficientnet_b0_abridged_bilberry.txt")
    # the stem Conv2dNormActivation (3 → 32, 3×3, its BatchNorm2d) and the last (320 → 1280, 1×1, its BatchNorm2d)
    stem, top = conv(3, 3, 32) + 2 * 32, conv(1, 320, 1280) + 2 * 1280
    assert [row.params for row in efficientnet.rows] == [stem, 1_448, top, 0, 0, linear(1280, 256), 2 * 256,
                                                         linear(256, 1)]
    assert len(efficientnet.cuts) == 1
    assert dict(efficientnet.totals)["total"] == EFFICIENTNET_B0_BASE + linear(1280, 256) + 512 + 257 == 4_336_253
    for pasted in (resnet, efficientnet):
        found = verdicts(pasted)
        assert [v.claim for v in found.values() if v.status == "wrong"] == []
        assert found["total"].status == "unchecked" and "rows were left out" in found["total"].note


def test_torchsummary_resnet50_frozen_with_a_new_fc_head() -> None:
    # torchsummary of resnet50 with fc = Sequential(Linear(2048, 512), ReLU, Dropout, Linear(512, 10), LogSoftmax),
    # indented as a notebook's output: every module a row, no sign of which are frozen
    pasted = read("transfer_torchsummary_resnet50_frozen_new_fc_pandulce.txt")
    assert pasted.kind == "torchsummary"
    head = [linear(2048, 512), 0, linear(512, 10)]
    assert [row.params for row in pasted.rows][-3:] == head
    assert sum(row.params for row in pasted.rows) == RESNET50_BASE + sum(head) == 24_562_250
    totals = dict(pasted.totals)
    assert (totals["trainable"], totals["non_trainable"]) == (sum(head), RESNET50_BASE)
    found = verdicts(pasted)
    assert [v.claim for v in found.values() if v.status == "wrong"] == []
    assert found["total"].status == "correct" and found["non_trainable"].status == "unchecked"


def test_keras3_resnet50_pooled_trained_in_a_markdown_bold_block() -> None:
    # Keras 3's rich table pasted in Markdown bold ('** Layer (type)', its top border lost, '…(207.50 KB)**'):
    # ResNet50(include_top=False, pooling='avg') trained, so the non-trainable count is its BatchNormalization's
    # moving statistics: 2 × (64 + each stage's mid, mid, 4·mid a block and 4·mid for its shortcut)
    pasted = read("transfer_keras3_resnet50_pooled_markdown_bold_urbaneye.txt")
    assert [row.params for row in pasted.rows] == [KERAS_RESNET50_NOTOP, 0, linear(2048, 512), linear(512, 9)]
    channels = 64 + sum(blocks * 6 * mid + 4 * mid for mid, blocks in [(64, 3), (128, 4), (256, 6), (512, 3)])
    assert dict(pasted.totals)["non_trainable"] == 2 * channels == 53_120
    found = verdicts(pasted)
    assert [v.claim for v in found.values() if v.status != "correct"] == []
    assert found["non_trainable"].note == "keras:ResNet50 trained"


def test_tf_keras_mobilenetv2_frozen_with_names_wider_than_their_column() -> None:
    # tf.keras 2.x: 'mobilenetv2_1.00_224 (Functional)' and 'global_average_pooling2d (GlobalAveragePooling2D)'
    # push their row's cells to the right; MobileNetV2 without its top, frozen, under Dense(1280, 5)
    pasted = read("transfer_tf_keras_mobilenetv2_frozen_long_names_whossssssss.txt")
    assert [row.params for row in pasted.rows] == [0, KERAS_MOBILENETV2_NOTOP, 0, linear(1280, 5)]
    assert dict(pasted.totals)["non_trainable"] == KERAS_MOBILENETV2_NOTOP
    found = verdicts(pasted)
    assert [v.claim for v in found.values() if v.status != "correct"] == []
    assert found["non_trainable"].note == "keras:MobileNetV2 frozen"
