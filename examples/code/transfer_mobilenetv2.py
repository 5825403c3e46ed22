"""Transfer learning: MobileNetV2 without its classifier, frozen, under a new head of 10 classes."""

import keras
from keras import layers

base = keras.applications.MobileNetV2(include_top=False, weights="imagenet", input_shape=(160, 160, 3))
base.trainable = False

inputs = keras.Input(shape=(160, 160, 3))
x = base(inputs, training=False)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
