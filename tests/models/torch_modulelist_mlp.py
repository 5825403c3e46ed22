# cnncalc: --input 1x28x28
# An MLP whose hidden layers are built by a comprehension into an nn.ModuleList and applied in a loop.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 242762
import torch
import torch.nn.functional as F
from torch import nn

hidden = [256, 128, 64]


class MLP(nn.Module):
    def __init__(self, sizes=hidden, classes=10):
        super().__init__()
        widths = [28 * 28] + list(sizes)
        self.hidden = nn.ModuleList([nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:])])
        self.out = nn.Linear(widths[-1], classes)
        self.drop = nn.Dropout(0.2)

    def forward(self, x):
        x = torch.flatten(x, 1)
        for layer in self.hidden:
            x = self.drop(F.relu(layer(x)))
        return self.out(x)
