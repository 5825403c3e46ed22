# A convolutional autoencoder: strided convolutions down, transposed convolutions back up.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 74497
import keras
from keras import layers

encoder_input = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(32, 3, activation="relu", strides=2, padding="same")(encoder_input)
x = layers.Conv2D(64, 3, activation="relu", strides=2, padding="same")(x)
x = layers.Conv2DTranspose(64, 3, activation="relu", strides=2, padding="same")(x)
x = layers.Conv2DTranspose(32, 3, activation="relu", strides=2, padding="same")(x)
decoded = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
autoencoder = keras.Model(encoder_input, decoded, name="autoencoder")
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
