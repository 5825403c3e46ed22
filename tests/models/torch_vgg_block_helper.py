# cnncalc: --input 3x32x32
# A CIFAR VGG-style net from a conv-bn-relu helper and max pools, with a global average pool at the end.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 6575370
from torch import nn


def conv_bn(in_channels, out_channels, pool=False):
    layers = [nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1),
              nn.BatchNorm2d(out_channels),
              nn.ReLU(inplace=True)]
    if pool:
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers)


class ResNet9Body(nn.Module):
    def __init__(self, in_channels=3, num_classes=10):
        super().__init__()
        self.conv1 = conv_bn(in_channels, 64)
        self.conv2 = conv_bn(64, 128, pool=True)
        self.res1 = nn.Sequential(conv_bn(128, 128), conv_bn(128, 128))
        self.conv3 = conv_bn(128, 256, pool=True)
        self.conv4 = conv_bn(256, 512, pool=True)
        self.res2 = nn.Sequential(conv_bn(512, 512), conv_bn(512, 512))
        self.classifier = nn.Sequential(nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Dropout(0.2),
                                        nn.Linear(512, num_classes))

    def forward(self, xb):
        out = self.conv1(xb)
        out = self.conv2(out)
        out = self.res1(out) + out
        out = self.conv3(out)
        out = self.conv4(out)
        out = self.res2(out) + out
        out = self.classifier(out)
        return out
