# cnncalc: --input 2x128
# A 1-D signal classifier: grouped and 'same'-padded Conv1d, as audio and ECG models write them.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 1029
import torch
import torch.nn as nn


class SignalNet(nn.Module):
    def __init__(self, n_classes=5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv1d(2, 16, kernel_size=(7,), padding="same", groups=2),
            nn.BatchNorm1d(16),
            nn.ReLU(inplace=True),
            nn.MaxPool1d(2),
            nn.Conv1d(16, 32, 5, stride=2, padding=(2,), groups=4, bias=False),
            nn.BatchNorm1d(32),
            nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool1d(1),
        )
        self.fc = nn.Linear(32, n_classes)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


model = SignalNet()
