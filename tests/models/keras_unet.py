# A small U-Net: the encoder's outputs kept in a list for the skips.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 481745
from tensorflow import keras
from tensorflow.keras import layers


def double_conv(x, filters):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    return layers.Conv2D(filters, 3, padding="same", activation="relu")(x)

inputs = keras.Input(shape=(64, 64, 1))
skips = []
x = inputs
for filters in [16, 32, 64]:
    x = double_conv(x, filters)
    skips.append(x)
    x = layers.MaxPooling2D(2)(x)
x = double_conv(x, 128)
for filters, skip in zip([64, 32, 16], reversed(skips)):
    x = layers.Conv2DTranspose(filters, 2, strides=2, padding="same")(x)
    x = layers.Concatenate()([x, skip])
    x = double_conv(x, filters)
outputs = layers.Conv2D(1, 1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
