# From the lecture notes, "CNNs in Keras: keras_cnn_mnist.py": the model part of the lecture's file, as it is written.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 34826
from tensorflow import keras

number_of_classes = 10
input_shape = (28, 28, 1)

model = keras.Sequential([
    keras.Input(shape=input_shape),
    keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
    keras.layers.MaxPooling2D(pool_size=(2, 2)),
    keras.layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
    keras.layers.MaxPooling2D(pool_size=(2, 2)),
    keras.layers.Flatten(),
    keras.layers.Dropout(0.5),
    keras.layers.Dense(number_of_classes, activation="softmax"),
])

model.compile(loss=keras.losses.SparseCategoricalCrossentropy(), optimizer="adam", metrics=["accuracy"])
