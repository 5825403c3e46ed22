# From the lecture notes, "CNN Example".
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 115018
from tensorflow import keras
from tensorflow.keras import layers

img_rows = 28
img_cols = 28
model = keras.Sequential([
    layers.Conv2D(64, (3, 3), activation='relu', input_shape=(img_rows, img_cols, 1)),
    layers.MaxPooling2D((2, 2)),
    layers.Conv2D(64, (3, 3), activation='relu'),
    layers.Flatten(),
    layers.Dense(10, activation='softmax')
])
model.summary()
model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
