"""Run Keras' LSTM, GRU and SimpleRNN under a GradientTape: the second engine the NumPy code is checked against."""


def keras_forward_and_grads(layer_name, weights, x, initial_state, upstream):
    """Outputs of a Keras recurrent layer (float64) and the gradients of sum(out * upstream).

    Returns (out, grads) where grads holds dx, the initial-state gradients (h0 and c0 for the
    LSTM, h0 for the GRU and SimpleRNN), then kernel, recurrent_kernel, bias. The GRU is Keras'
    default, reset_after=True, with its bias of shape (2, 3H).
    """
    import keras
    import tensorflow as tf

    units = weights[1].shape[0]
    layer_class = {"LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU,
                   "SimpleRNN": keras.layers.SimpleRNN}[layer_name]
    layer = layer_class(units, return_sequences=True, dtype="float64")
    layer.build(x.shape)
    layer.set_weights(weights)
    x_t = tf.constant(x)
    states = [tf.constant(s) for s in initial_state]
    with tf.GradientTape() as tape:
        tape.watch([x_t, *states])
        out = layer(x_t, initial_state=states)
        loss = tf.reduce_sum(out * upstream)
    grads = tape.gradient(loss, [x_t, *states, *layer.trainable_weights])
    return out.numpy(), [g.numpy() for g in grads]


def random_weights(rng, shapes, scale=0.5):
    """Non-zero random arrays: a zero bias would hide a bias counted twice."""
    return [rng.normal(scale=scale, size=s) for s in shapes]


SHAPES = [  # (B, T, D, H)
    (1, 1, 1, 1),
    (2, 3, 1, 4),
    (3, 5, 4, 6),
    (4, 9, 7, 3),
    (2, 16, 3, 8),
]
