# cnncalc: --input 1x28x28
# nn.Sequential with named layers from an OrderedDict.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 33234
from collections import OrderedDict

from torch import nn

model = nn.Sequential(OrderedDict([
    ("conv1", nn.Conv2d(1, 20, 5)),
    ("relu1", nn.ReLU()),
    ("conv2", nn.Conv2d(20, 64, 5)),
    ("relu2", nn.ReLU()),
    ("pool", nn.AdaptiveAvgPool2d(1)),
    ("flatten", nn.Flatten()),
    ("fc", nn.Linear(64, 10)),
]))
