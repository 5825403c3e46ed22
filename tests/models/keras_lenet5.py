# LeNet-5 as Keras tutorials write it: average pooling, tanh, 6 and 16 feature maps.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 61706
from tensorflow.keras import Sequential
from tensorflow.keras.layers import AveragePooling2D, Conv2D, Dense, Flatten


def build_lenet(input_shape=(32, 32, 1), classes=10):
    model = Sequential()
    model.add(Conv2D(6, kernel_size=5, activation="tanh", input_shape=input_shape))
    model.add(AveragePooling2D(pool_size=2, strides=2))
    model.add(Conv2D(16, kernel_size=5, activation="tanh"))
    model.add(AveragePooling2D(pool_size=2, strides=2))
    model.add(Flatten())
    model.add(Dense(120, activation="tanh"))
    model.add(Dense(84, activation="tanh"))
    model.add(Dense(classes, activation="softmax"))
    return model

model = build_lenet()
