# An Inception module: four branches concatenated on the channels.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 552432
import keras
from keras import layers


def inception(x, f1, f3r, f3, f5r, f5, fp):
    b1 = layers.Conv2D(f1, 1, padding="same", activation="relu")(x)
    b2 = layers.Conv2D(f3r, 1, padding="same", activation="relu")(x)
    b2 = layers.Conv2D(f3, 3, padding="same", activation="relu")(b2)
    b3 = layers.Conv2D(f5r, 1, padding="same", activation="relu")(x)
    b3 = layers.Conv2D(f5, 5, padding="same", activation="relu")(b3)
    b4 = layers.MaxPooling2D(3, strides=1, padding="same")(x)
    b4 = layers.Conv2D(fp, 1, padding="same", activation="relu")(b4)
    return layers.concatenate([b1, b2, b3, b4], axis=-1)

inputs = keras.Input((28, 28, 192))
x = inception(inputs, 64, 96, 128, 16, 32, 32)
x = inception(x, 128, 128, 192, 32, 96, 64)
x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
model = keras.Model(inputs=inputs, outputs=x)
