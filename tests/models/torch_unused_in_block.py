# cnncalc: --input 3x16x16
# Inverted residual blocks as pytorch-cifar's EfficientNet writes them: a block of expansion 1 makes conv1 and bn1 and
# never calls them, which PyTorch counts (and torchinfo in the block's row).
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 15434
import torch
import torch.nn.functional as F
from torch import nn


class Block(nn.Module):
    """An inverted residual whose expansion is skipped for a ratio of 1, as pytorch-cifar's EfficientNet writes it:
    conv1 and bn1 are made either way, and PyTorch counts them."""

    def __init__(self, in_planes, out_planes, expand_ratio, stride):
        super().__init__()
        self.expand_ratio = expand_ratio
        planes = expand_ratio * in_planes
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=stride, padding=1, groups=planes, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, out_planes, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_planes)

    def forward(self, x):
        out = x if self.expand_ratio == 1 else F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        return self.bn3(self.conv3(out))


class Net(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layers = nn.Sequential(Block(16, 16, 1, 1), Block(16, 24, 6, 2), Block(24, 24, 6, 1))
        self.linear = nn.Linear(24, num_classes)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layers(out)
        out = F.adaptive_avg_pool2d(out, 1)
        return self.linear(out.flatten(1))


model = Net()
