# An autoencoder built from an encoder and a decoder, each a keras.Model of its own, called as layers: Keras'
# summary shows each as one row, `encoder (Functional)`, with its output and the total of its layers.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 1393
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(16, 3, activation="relu", padding="same")(inputs)
x = layers.MaxPooling2D(2)(x)
encoded = layers.Conv2D(8, 3, activation="relu", padding="same")(x)
encoder = keras.Model(inputs, encoded, name="encoder")

latent = keras.Input(shape=(14, 14, 8))
y = layers.UpSampling2D(2)(latent)
decoded = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(y)
decoder = keras.Model(latent, decoded, name="decoder")

autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
