# cnncalc: --input 1x28x28
# The lectures' MNIST network as a PyTorch nn.Sequential.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 34826
from torch import nn

model = nn.Sequential(
    nn.Conv2d(1, 32, kernel_size=3), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(32, 64, kernel_size=3), nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Dropout(0.5),
    nn.Linear(1600, 10),
)
