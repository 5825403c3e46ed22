# From the lecture notes, "PREVIOUS MODEL": a dense network on the flattened digits.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 535818
from keras import layers, models

network = models.Sequential()
network.add(layers.Dense(512, activation='relu', input_shape=(28 * 28,)))
network.add(layers.Dense(256, activation='relu'))
network.add(layers.Dense(10, activation='softmax'))
