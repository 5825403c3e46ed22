"""Summaries that torchsummary (and torchkeras, which prints the same table) and torchinfo printed for real people.

Each paste is kept verbatim under tests/fixtures/pastes (SOURCES.md names where it was published). Every count
expected here is written out from the module's own arguments (a Conv2d(cin, cout, k) holds k·k·cin·cout weights
and cout biases), so the reader cannot pass by agreeing with itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cnncalc.grading.selfcheck import self_check
from cnncalc.readers.pasted import PastedSummary, parse_summary

PASTES = Path(__file__).resolve().parent / "fixtures" / "pastes"


def read(name: str) -> PastedSummary:
    return parse_summary((PASTES / name).read_text(encoding="utf-8"))


def conv(k: int, c_in: int, c_out: int, bias: bool = True) -> int:
    return k * k * c_in * c_out + c_out * bias


def conv1d(k: int, c_in: int, c_out: int) -> int:
    return (k * c_in + 1) * c_out


def linear(n_in: int, n_out: int, bias: bool = True) -> int:
    return n_in * n_out + n_out * bias


def lstm(n_in: int, hidden: int) -> int:
    return 4 * hidden * (n_in + hidden) + 2 * 4 * hidden  # PyTorch keeps two bias vectors a gate


def ultimus() -> list[int]:
    # query, key and value 48 → 8, then 8 → 48, all without a bias; the Ultimus row itself holds nothing
    return [linear(48, 8, False)] * 3 + [linear(8, 48, False), 0]


VGG16_WIDTHS = [(3, 64), (64, 64), (64, 128), (128, 128), (128, 256), (256, 256), (256, 256), (256, 512),
                (512, 512), (512, 512), (512, 512), (512, 512), (512, 512)]

#: file, each row's count as the paste prints it (0 for a module without parameters; activation rows such as
#: ReLU and Sigmoid are read as the layer's activation, not as rows), and the printed total
TORCHSUMMARY = [
    # three 3×3 convolutions without a bias (32 → 26), a GAP, four attention blocks and Linear(48, 10) without a bias
    ("torchsummary_ultimus_attention_devdastl.txt",
     [conv(3, 3, 16, False), conv(3, 16, 32, False), conv(3, 32, 48, False), 0, *ultimus() * 4,
      linear(48, 10, False)], 25_488),
    # Linear(15, 20), ReLU, Linear(20, 15), ReLU, Linear(15, 1), Sigmoid
    ("torchsummary_titanic_mlp_lyhue1991.txt", [linear(15, 20), linear(20, 15), linear(15, 1)], 651),
    # Conv2d(3, 32, 3), pool, Conv2d(32, 64, 5), pool, Dropout2d, AdaptiveMaxPool2d((1, 1)), Flatten, Linear(64, 32)…
    ("torchsummary_cifar2_adaptive_max_lyhue1991.txt",
     [conv(3, 3, 32), 0, conv(5, 32, 64), 0, 0, 0, 0, linear(64, 32), linear(32, 1)], 54_273),
    # the same on one channel with ten classes
    ("torchsummary_mnist_adaptive_max_lyhue1991.txt",
     [conv(3, 1, 32), 0, conv(5, 32, 64), 0, 0, 0, 0, linear(64, 32), linear(32, 10)], 53_994),
    # Embedding(10000, 3) on 200 tokens, transposed in forward() to 3 channels, Conv1d(3, 16, 5), MaxPool1d(2),
    # ReLU, Conv1d(16, 128, 2), MaxPool1d(2), ReLU, Flatten 128·48, Linear(6144, 1), Sigmoid
    ("torchsummary_imdb_embedding_conv1d_lyhue1991.txt",
     [10_000 * 3, conv1d(5, 3, 16), 0, conv1d(2, 16, 128), 0, 0, linear(128 * 48, 1)], 40_625),
    # LSTM(3, 3, num_layers=5): five layers of 3 inputs; Linear(3, 3); a custom Block without parameters
    ("torchsummary_lstm_custom_block_lyhue1991.txt", [5 * lstm(3, 3), linear(3, 3), 0], 492),
    ("torchsummary_dnn_three_linears_lyhue1991.txt", [linear(2, 4), linear(4, 8), linear(8, 1)], 61),
    # torchsummary's own README: Conv2d(1, 10, 5), Conv2d(10, 20, 5), Dropout2d, view(-1, 320), Linear(320, 50)…
    ("torchsummary_own_readme_mnist_net.txt",
     [conv(5, 1, 10), conv(5, 10, 20), 0, linear(320, 50), linear(50, 10)], 21_840),
    # one Conv2d(1, 1, 3, padding=1) applied to two inputs (16×16 and 28×28): torchsummary lists it, and counts
    # it, once for each
    ("torchsummary_own_readme_two_inputs.txt", [conv(3, 1, 1), conv(3, 1, 1)], 20),
    # an MNIST network of 3×3 convolutions (16 channels), each with a BatchNorm2d, pasted as a Markdown table
    # ('|      Conv2d-1|[-1, 16, 28, 28]|  160|'); a 1×1 Conv2d(32, 10) and AvgPool2d(4) at the end
    ("torchsummary_markdown_pipes_sualeh77.txt",
     [conv(3, 1, 16), 0, 2 * 16, conv(3, 16, 16), 0, 2 * 16, conv(3, 16, 16), 0, conv(3, 16, 16), 0, 2 * 16,
      conv(3, 16, 16), 0, 2 * 16, conv(3, 16, 16), 2 * 16, conv(3, 16, 16), conv(3, 16, 32), conv(1, 32, 10), 0],
     19_210),
    # a CIFAR network with a blank line after every row: 3×3 convolutions, 1×1 ones (32 → 16) before each pool,
    # BatchNorm2d's 2·C, AdaptiveAvgPool2d(1) and a 1×1 Conv2d(32, 10)
    # a notebook's CIFAR network: 3×3 convolutions (24 → 44 → 64, a strided one to halve the map), 1×1 shortcuts
    # reading 64 channels, depthwise 3×3 convolutions (groups = channels, twice the channels out) and their 1×1
    # pointwise ones, AdaptiveMaxPool2d and a 1×1 Conv2d(64, 10)
    ("torchsummary_notebook_depthwise_shortcuts_madhur.txt",
     [conv(3, 3, 24), 2 * 24, 0, conv(3, 24, 44), 2 * 44, 0, conv(3, 44, 64), 2 * 64, 0,
      *[conv(3, 64, 24), 2 * 24, 0, conv(3, 24, 44), 2 * 44, 0, conv(1, 64, 44), conv(3, 44, 64), 2 * 64, 0] * 2,
      (9 + 1) * 128, conv(1, 128, 24), 2 * 24, 0, (9 + 1) * 48, conv(1, 48, 44), 2 * 44, 0, conv(1, 64, 44),
      (9 + 1) * 88, conv(1, 88, 64), 2 * 64, 0, 0, conv(1, 64, 10)], 157_110),
    # the same course's network with GroupNorm (2·C each), 1×1 transitions (32 → 16) before the pools, and 1×1
    # shortcuts from the pool's 16 channels added to a 3×3 convolution's 32
    ("torchsummary_notebook_groupnorm_madhur.txt",
     [conv(3, 3, 16), 2 * 16, 0, conv(3, 16, 32), 2 * 32, 0, conv(1, 32, 16), 0,
      conv(3, 16, 16), 2 * 16, 0, conv(3, 16, 32), 2 * 32, 0, conv(3, 32, 32), conv(1, 16, 32), 2 * 32, 0,
      conv(1, 32, 16), 0,
      conv(3, 16, 16), 2 * 16, 0, conv(3, 16, 32), 2 * 32, 0, conv(3, 32, 32), conv(1, 16, 32), 2 * 32, 0,
      0, conv(1, 32, 10)], 40_394),
    ("torchsummary_blank_lines_sualeh77.txt",
     [conv(3, 3, 16), 2 * 16, 0, conv(3, 16, 32), 2 * 32, 0, conv(1, 32, 16), 0,
      conv(3, 16, 16), 2 * 16, 0, conv(3, 16, 32), 2 * 32, 0, conv(3, 32, 32), 2 * 32, 0, conv(1, 32, 16), 0,
      conv(3, 16, 32), 2 * 32, 0, conv(3, 32, 32), 2 * 32, 0, conv(3, 32, 32), 0, conv(1, 32, 10)], 46_202),
]


@pytest.mark.parametrize(("name", "counts", "total"), TORCHSUMMARY)
def test_torchsummary_pastes(name: str, counts: list[int], total: int) -> None:
    pasted = read(name)
    assert pasted.kind == "torchsummary"
    assert [row.params for row in pasted.rows] == counts
    assert dict(pasted.totals)["total"] == sum(counts) == total
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"


def test_torchsummary_readme_vgg16_with_its_relus_and_pools() -> None:
    # torchvision's VGG16 on 224×224: 13 convolutions, each with a ReLU row, five pools to 7×7, then
    # Linear(512·7·7, 4096), Linear(4096, 4096), Linear(4096, 1000), each with a ReLU and a Dropout but the last
    pasted = read("torchsummary_own_readme_vgg16.txt")
    counted = [row.params for row in pasted.rows if row.params]
    top = [linear(512 * 7 * 7, 4096), linear(4096, 4096), linear(4096, 1000)]
    assert counted == [conv(3, c_in, c_out) for c_in, c_out in VGG16_WIDTHS] + top
    assert dict(pasted.totals)["total"] == sum(counted) == 138_357_544
    assert len(pasted.rows) == 13 + 5 + 3 + 2   # convs, pools, linears, and two Dropouts (the ReLUs are activations)
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"


def test_torchinfo_nested_transformer_stages_count_once() -> None:
    # a PVT encoder and a decoder of blocks: torchinfo prints the counts of depth-3 containers, some used twice
    # ('(recursive)'); the leaf convolutions it shows are 1×1: Conv2d(512, 64, 1), Conv2d(320, 64, 1), …
    pasted = read("torchinfo_remotenet_pvt_jacky.txt")
    assert pasted.kind == "torchinfo"
    shown = {row.name: row.params for row in pasted.rows if row.keras_class == "Conv2D"}
    assert shown == {"Conv2d: 2-2": conv(1, 512, 64), "Conv2d: 3-16": conv(1, 320, 64),
                     "Conv2d: 3-31": conv(1, 128, 64), "Conv2d: 3-46": conv(1, 64, 64),
                     "Conv2d: 3-59": conv(1, 64, 6)}
    once = [row.params for row in pasted.rows if not row.recursive]
    assert sum(row.recursive for row in pasted.rows) == 8
    assert dict(pasted.totals)["total"] == sum(once) == 14_701_150
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"


def test_torchinfo_transformer_encoder_layer() -> None:
    # nn.TransformerEncoderLayer(128, nhead, dim_feedforward=256): attention's in-projection (3·128·128 + 3·128)
    # and out-projection (128·128 + 128), LayerNorm's 2·128, Linear(128, 256), Linear(256, 128)
    pasted = read("torchinfo_transformer_encoder_layer_nobuco26.txt")
    attention = 3 * 128 * 128 + 3 * 128 + linear(128, 128)
    counts = [attention, 0, 2 * 128, linear(128, 256), 0, linear(256, 128), 0, 2 * 128]
    assert [row.params for row in pasted.rows] == counts
    assert dict(pasted.totals)["total"] == sum(counts) == 132_480
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["4 Linear: 1-4 params"].status == verdicts["total"].status == "correct"


def test_torchinfo_without_an_output_shape_column_is_read_by_its_counts() -> None:
    # summary(model, depth=2) given no input: the table has a Param # column only, so no row's output is in the
    # paste; the counts are still read (Conv2d(128, 128, 3), Conv2d(2048, 2048, 1), Conv2d(128, 256, 1) among
    # them) and their sum is the total
    name = "torchinfo_param_column_only_issue61.txt"
    pasted = read(name)
    assert pasted.kind == "torchinfo" and all(row.unshown and row.shape == () for row in pasted.rows)
    convs = [row.params for row in pasted.rows if row.keras_class == "Conv2D"]
    assert convs == [conv(3, 128, 128), conv(1, 2048, 2048), conv(3, 128, 128), conv(1, 128, 256)]
    counts = [row.params for row in pasted.rows]
    assert dict(pasted.totals)["total"] == sum(counts) == 78_257_328
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"
    assert "no Output Shape column" in verdicts["4 Conv2d: 2-4 params"].note
    # the total misprinted by 200: the rows' sum is shown against it
    text = (PASTES / name).read_text(encoding="utf-8").replace("Total params: 78,257,328", "Total params: 78,257,528")
    wrong = [(v.claim, v.correct) for v in self_check(parse_summary(text)) if v.status == "wrong"]
    assert wrong == [("total", f"{sum(counts):,}")]


def custom_resnet() -> list[int]:
    """The CIFAR 'custom ResNet' of two pastes below: 3×3 convolutions without a bias, each with a BatchNorm2d
    (and a Dropout), pools after three of them, MaxPool2d(4), Linear(512, 10)."""
    convs = [(3, 64), (64, 128), (128, 128), (128, 128), (128, 256), (256, 512), (512, 512), (512, 512)]
    pooled = {1, 4, 5}
    counts: list[int] = []
    for index, (c_in, c_out) in enumerate(convs):
        counts += [conv(3, c_in, c_out, False), *([0] if index in pooled else []), 2 * c_out, 0]
    return [*counts, 0, linear(512, 10)]


@pytest.mark.parametrize("name", ["torchinfo_kernel_column_full_cells_nviraj.txt",
                                  "torchinfo_notebook_view_linear_niharika.txt"])
def test_torchinfo_custom_resnet_with_a_kernel_column(name: str) -> None:
    # Kernel Shape prints a pool's kernel as '2', and a cell that fills its column is followed by one space
    # ('[1, 128, 32, 32] 2'): the cells are still read by the header. In the notebook's table forward() hands the
    # Linear a tensor without its batch ([1] → [10]), which does not make the table unbatched: its Conv2d rows
    # have four axes
    pasted = read(name)
    assert [row.params for row in pasted.rows] == custom_resnet()
    assert dict(pasted.totals)["total"] == sum(custom_resnet()) == 6_573_130
    assert pasted.rows[0].shape == (32, 32, 64)
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"


def test_torchinfo_vit_patch_embedding_and_partial_flatten() -> None:
    # a ViT-Base: Conv2d(3, 768, 16, stride=16) takes 224 to 14, nn.Flatten(2) makes [32, 768, 196]; the model's
    # own class token and position embedding (768 + 197·768) are printed on its first row
    pasted = read("torchinfo_vit_var_names_tharunsivamani.txt")
    layer_norm = 2 * 768
    attention = layer_norm + 3 * 768 * 768 + 3 * 768 + linear(768, 768)
    mlp = layer_norm + linear(768, 3072) + linear(3072, 768)
    counts = [conv(16, 3, 768), 0, 0, *[attention, mlp] * 12, layer_norm, linear(768, 3)]
    assert [row.params for row in pasted.rows] == counts
    assert pasted.container_params == 768 + 197 * 768
    assert dict(pasted.totals)["total"] == sum(counts) + 768 + 197 * 768 == 85_800_963
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["1 Conv2d: 6 output"].note == "224 → 14: kernel 16, stride 16, valid (every axis)"
    assert verdicts["2 Flatten: 7 output"].status == verdicts["total"].status == "correct"
    # the model's own MultiHeadAttention block (a LayerNorm, 2·768, and nn.MultiheadAttention, 4·768² + 4·768) bears
    # Keras' class name but is not that layer: its count is left unchecked, never graded as attention alone
    block = verdicts["4 MultiHeadAttention: 11 params"]
    assert attention == 2_363_904 and block.given == "2,363,904" and block.status == "unchecked"
    # a flatten printed with a size its input cannot make is still wrong
    text = (PASTES / "torchinfo_vit_var_names_tharunsivamani.txt").read_text(encoding="utf-8")
    bad = text.replace("[32, 768, 14, 14]    [32, 768, 196]", "[32, 768, 14, 14]    [32, 768, 195]")
    assert "2 Flatten: 7 output" in [v.claim for v in self_check(parse_summary(bad)) if v.status == "wrong"]


def test_torchinfo_depthwise_separable_and_dilated_four_levels_deep() -> None:
    # ConvLayer blocks four levels deep: depthwise 3×3 (groups = channels, no bias) then pointwise 1×1, and 3×3
    # convolutions dilated by 2, 4 and 8 that take 30 to 26, 26 to 18 and 18 to 2; Param % as the last column
    pasted = read("torchinfo_notebook_depthwise_dilated_sudhakarmlal.txt")

    def plain(c_in: int, c_out: int) -> list[int]:
        return [conv(3, c_in, c_out, False), 2 * c_out, 0]  # the convolution, its BN, a Dropout

    def separable(c: int) -> list[int]:
        return [9 * c, 2 * c, c * c, 2 * c, 0]  # depthwise, its BN, pointwise, the block's BN, a Dropout

    counts = [*plain(3, 16), *separable(16), *plain(16, 32), *separable(32) * 2, *plain(32, 64),
              *separable(64) * 2, *plain(64, 96), *separable(96) * 2, *plain(96, 96), conv(1, 96, 10), 0]
    assert [row.params for row in pasted.rows] == counts
    assert dict(pasted.totals)["total"] == sum(counts) == 197_418
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status != "correct"] == []


def test_torchinfo_resnet18_with_param_percent() -> None:
    # kuangliu's CIFAR ResNet-18 at batch 32, with torchinfo's Input Shape and Param % columns
    pasted = read("torchinfo_resnet18_param_percent_tharunsivamani.txt")
    total = conv(3, 3, 64, False) + 2 * 64 + linear(512, 10)
    for c_in, c_out, down in [(64, 64, False), (64, 128, True), (128, 256, True), (256, 512, True)]:
        total += conv(3, c_in, c_out, False) + 3 * conv(3, c_out, c_out, False) + 4 * 2 * c_out \
            + (conv(1, c_in, c_out, False) + 2 * c_out) * down
    assert dict(pasted.totals)["total"] == sum(row.params for row in pasted.rows) == total == 11_173_962
    assert sum(row.keras_class == "Conv2D" for row in pasted.rows) == 1 + 16 + 3
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"


def test_torchsummary_unet_with_blocks_that_return_two_tensors() -> None:
    # a U-Net on 128×128×3: each ContractingBlock returns its pooled map and its skip ('[[-1, 64, 64, 64],
    # [-1, 64, 128, 128]]'), ConvTranspose2d(c, c/2, 2, stride 2) doubles the map, and the convolution after it
    # reads the skip concatenated in forward() (2·c/2 channels)
    name = "torchsummary_notebook_unet_list_shapes_gupta1912.txt"
    pasted = read(name)

    def down(c_in: int, c_out: int) -> list[int]:
        return [conv(3, c_in, c_out), 2 * c_out, conv(3, c_out, c_out), 2 * c_out, 0]

    def up(c_in: int) -> list[int]:
        c_out = c_in // 2
        return [2 * 2 * c_in * c_out + c_out, conv(3, c_in, c_out), 2 * c_out, conv(3, c_out, c_out), 2 * c_out, 0]

    counts = [*down(3, 64), *down(64, 128), *down(128, 256), *down(256, 512), *up(512), *up(256), *up(128),
              conv(1, 64, 3)]
    assert [row.params for row in pasted.rows] == counts
    assert dict(pasted.totals)["total"] == sum(counts) == 7_703_107
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"
    # a row of several tensors that held parameters would be read, its count unchecked, never dropped
    text = (PASTES / name).read_text(encoding="utf-8")
    held = parse_summary(text.replace("[[-1, 64, 64, 64], [-1, 64, 128, 128]]               0",
                                      "[[-1, 64, 64, 64], [-1, 64, 128, 128]]              10"))
    block = next(row for row in held.rows if row.name == "ContractingBlock: 1-8")
    assert block.params == 10 and "several tensors" in block.unshown
    assert [v.claim for v in self_check(held) if v.status == "wrong"] == []


def test_torchsummary_yolov3_of_307_rows() -> None:
    # YOLOv3 for 20 classes on 416×416: its first convolution 3·3·3·32 without a bias, the next 3·3·32·64 with
    # stride 2, each prediction head 1×1 from 2·c channels to 3·(20 + 5) with a bias
    pasted = read("torchsummary_yolov3_voc_varunsivamani.txt")
    convs = [row.params for row in pasted.rows if row.keras_class == "Conv2D"]
    assert convs[:2] == [conv(3, 3, 32, False), conv(3, 32, 64, False)]
    assert convs[-1] == conv(1, 256, 3 * (20 + 5))
    assert dict(pasted.totals)["total"] == sum(row.params for row in pasted.rows) == 61_626_049
    verdicts = {v.claim: v for v in self_check(pasted)}
    assert [v.claim for v in verdicts.values() if v.status == "wrong"] == []
    assert verdicts["total"].status == "correct"
