# A functional model around two Keras Sequential models called as layers, one given no name: Keras' summary shows
# each as one row, `sequential (Sequential)` and `head (Sequential)`.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 13642
import keras
from keras import layers

features = keras.Sequential([layers.Conv2D(8, 3, activation="relu"), layers.MaxPooling2D(2)])
head = keras.Sequential([layers.Flatten(), layers.Dense(10, activation="softmax")], name="head")

inputs = keras.Input(shape=(28, 28, 1))
x = features(inputs)
x = layers.BatchNormalization()(x)
outputs = head(x)
model = keras.Model(inputs, outputs)
