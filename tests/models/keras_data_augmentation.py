# keras.io's way to augment images inside the model ("Image classification from scratch", "Transfer learning"): the
# images resized, then a Sequential of random layers, which change them while the model trains and give them back
# unchanged at inference; then a small convolutional network.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 19717
import keras
from keras import layers

data_augmentation = keras.Sequential(
    [
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.1),
        layers.RandomZoom(0.2),
        layers.RandomTranslation(0.1, 0.1),
        layers.RandomContrast(0.2),
        layers.RandomBrightness(0.2),
    ],
    name="data_augmentation",
)

inputs = keras.Input(shape=(40, 48, 3))
x = layers.Resizing(32, 32)(inputs)
x = data_augmentation(x)
x = layers.Rescaling(1.0 / 255)(x)
x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
x = layers.MaxPooling2D()(x)
x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.25)(x)
outputs = layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs)
