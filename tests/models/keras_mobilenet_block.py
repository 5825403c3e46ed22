# MobileNet's depthwise separable blocks, with ReLU(6.0) layers and explicit zero padding before a stride.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 68549
from tensorflow import keras
from tensorflow.keras import layers


def depthwise_block(x, filters, stride):
    if stride == 2:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)))(x)
    x = layers.DepthwiseConv2D(3, strides=stride, padding="same" if stride == 1 else "valid", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU(6.0)(x)
    x = layers.Conv2D(filters, 1, use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU(6.0)(x)

inputs = keras.Input(shape=(96, 96, 3))
x = layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False)(inputs)
x = layers.BatchNormalization()(x)
x = layers.ReLU(6.0)(x)
for filters, stride in ((64, 1), (128, 2), (128, 1), (256, 2)):
    x = depthwise_block(x, filters, stride)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(1e-3)(x)
outputs = layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs)
