# From the lecture notes, "Some Improvement": flatten the 28x28 digits, one hidden layer, dropout.
# The framework counts this many parameters (tests/test_pycode.py runs the file to check it):
# expect total = 101770
import tensorflow as tf

mnist = tf.keras.datasets.mnist

model = tf.keras.models.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(128, kernel_initializer="he_normal", activation='relu'),
    tf.keras.layers.Dropout(0.2),
    tf.keras.layers.Dense(10, activation='softmax')
])
model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
