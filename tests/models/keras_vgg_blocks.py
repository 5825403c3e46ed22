# A small VGG, its blocks added in a loop over a configuration list.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 10129738
from tensorflow import keras
from tensorflow.keras import layers

config = [(64, 2), (128, 2), (256, 3)]

model = keras.Sequential()
model.add(keras.Input(shape=(64, 64, 3)))
for filters, convs in config:
    for _ in range(convs):
        model.add(layers.Conv2D(filters, 3, padding="same", activation="relu"))
    model.add(layers.MaxPooling2D(2))
model.add(layers.Flatten())
model.add(layers.Dense(512, activation="relu"))
model.add(layers.Dropout(0.5))
model.add(layers.Dense(10, activation="softmax"))
