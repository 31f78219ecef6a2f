"""Import Keras quietly and reproducibly, for the chapters that compare
with it or train with it.
"""
import os
import sys


def load_keras(seed=None):
    """Import and return keras on the TensorFlow backend, without
    TensorFlow's start-up log.

    Call it before anything else imports TensorFlow: the environment
    variables below are read once, at TensorFlow's import. oneDNN's
    reordered float arithmetic is switched off so that results repeat
    across runs.

    seed : int, optional
        When given, seeds Python, NumPy and TensorFlow
        (keras.utils.set_random_seed) and turns on TensorFlow's op
        determinism, so training repeats exactly.
    """
    if "tensorflow" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras

    if seed is not None:
        import tensorflow as tf

        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()
    return keras
