"""A character-level LSTM language model in NumPy: one-hot characters in,
lstm_fast's LSTM, a dense readout to one logit per character, softmax
cross-entropy, trained by truncated backpropagation through time with
Adam and global-norm clipping.

Shapes: B streams, S steps per chunk, V characters, H units.

    x_t  = one_hot(character t)                     (B, V)
    h_t, c_t = LSTM(x_t, h_{t-1}, c_{t-1})          (B, H)
    logits_t = h_t W + b                            (B, V)
    loss = mean over all B S positions of -log softmax(logits_t)[y_t]

Truncated BPTT: the text is read in chunks of S steps (language.
tbptt_batches); the state (h, c) at the end of a chunk is the initial
state of the next, so the model sees an unbroken text, but the gradient
of a chunk stops at its first step.
"""
from typing import NamedTuple

import numpy as np

from . import lstm_fast
from ._shapes import (as_float_array, require_finite, require_generator,
                      require_int, require_shape)
from .initializers import glorot_uniform, lstm_init
from .language import (Vocabulary, one_hot, sample_with_temperature,
                       softmax_cross_entropy, tbptt_batches, token_nll)
from .lstm import LSTMParams
from .optim import Adam
from .params import as_params

__all__ = ["CharLSTMParams", "init_char_lstm", "chunk_loss_and_grads",
           "evaluate_nll", "position_nll", "context_nll", "train",
           "generate"]


class CharLSTMParams(NamedTuple):
    """The model's weights: the LSTM's, and the readout's W (H, V) and
    b (V,). The LSTM's input_dim is V, one input per character.

    The gradients returned by chunk_loss_and_grads are CharLSTMParams
    too.
    """

    lstm: LSTMParams
    W: np.ndarray
    b: np.ndarray


def _flat(params):
    """[kernel, recurrent_kernel, bias, W, b]: what the optimiser takes."""
    return [*params.lstm, params.W, params.b]


def _check_params(params):
    """params as a checked CharLSTMParams (the arrays themselves, not
    copies, so that train can update them in place); returns (params,
    V, H)."""
    if not isinstance(params, CharLSTMParams):
        raise TypeError("params must be the CharLSTMParams that "
                        "init_char_lstm returns; got "
                        f"{type(params).__name__}")
    lstm = as_params(params.lstm, LSTMParams)  # checked (a copy)
    size, units = lstm.input_dim, lstm.units
    W = require_finite("W", as_float_array("W", params.W))
    b = require_finite("b", as_float_array("b", params.b))
    require_shape("W", W, (units, size), "(units, vocab_size)")
    require_shape("b", b, (size,), "(vocab_size,)")
    return params, size, units


def init_char_lstm(vocab_size, units, seed=0):
    """A new model: lstm_init's LSTM (Keras' defaults, forget bias 1)
    and a Glorot-uniform readout W (H, V) with zero bias b (V,).

    Parameters
    ----------
    vocab_size : int, V >= 1
    units : int, H >= 1
    seed : int or np.random.Generator

    Returns
    -------
    CharLSTMParams of float64 arrays
    """
    vocab_size = require_int("vocab_size", vocab_size, 1)
    units = require_int("units", units, 1)
    if not isinstance(seed, np.random.Generator):
        seed = require_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    lstm = lstm_init(units, vocab_size, seed=rng)
    W = glorot_uniform((units, vocab_size), rng)
    return CharLSTMParams(lstm, W, np.zeros(vocab_size))


# region: chunk
def chunk_loss_and_grads(params, x_ids, y_ids, h0=None, c0=None):
    """Loss, gradients and final state of one chunk of truncated BPTT.

    Parameters
    ----------
    params : CharLSTMParams
    x_ids, y_ids : int arrays (B, S)
        The characters read and the ones that follow them.
    h0, c0 : arrays (B, H), optional
        The state carried from the previous chunk; zeros when omitted.

    Returns
    -------
    loss : float, mean nll over the B S positions (nats)
    grads : CharLSTMParams of d loss / d each weight; the gradient
        stops at the chunk's first step (nothing flows into h0, c0)
    (h_T, c_T) : arrays (B, H), the state to carry into the next chunk
    """
    p, size, units = _check_params(params)
    x_ids = _chunk_ids("x_ids", x_ids, size)
    y_ids = _chunk_ids("y_ids", y_ids, size)
    require_shape("y_ids", y_ids, x_ids.shape, "(batch, steps)")
    batch, steps = x_ids.shape

    x = one_hot(x_ids, size)  # (B, S, V)
    h_seq, c_seq, cache = lstm_fast.lstm_forward(x, p.lstm, h0, c0)
    h_flat = h_seq.reshape(batch * steps, units)  # (B S, H)
    logits = h_flat @ p.W + p.b  # (B S, V)
    loss, dlogits = softmax_cross_entropy(logits, y_ids.reshape(-1))

    dW = h_flat.T @ dlogits  # (H, V)
    db = dlogits.sum(axis=0)  # (V,)
    dh_seq = (dlogits @ p.W.T).reshape(batch, steps, units)  # (B, S, H)
    _, _, _, dlstm = lstm_fast.lstm_backward(dh_seq, cache)
    state = (h_seq[:, -1].copy(), c_seq[:, -1].copy())
    return loss, CharLSTMParams(dlstm, dW, db), state
# endregion


def _chunk_ids(name, ids, size):
    """ids as a (B, S) int64 array of ids in [0, size)."""
    array = np.asarray(ids)
    if array.dtype == object or array.dtype.kind not in "iu":
        raise TypeError(f"{name} must be an integer array of ids; got "
                        f"dtype {array.dtype}")
    require_shape(name, array, (None, None), "(batch, steps)")
    if 0 in array.shape:
        raise ValueError(f"{name} must hold at least one id; got shape "
                         f"{array.shape}")
    return _ids_in_vocab(name, array, size)


def _ids_in_vocab(name, array, size):
    """array as int64 after checking its ids are in [0, size)."""
    if array.min() < 0 or array.max() >= size:
        raise ValueError(f"{name} must hold ids in [0, {size}) (the "
                         "vocabulary size the model was made for); got "
                         f"ids from {int(array.min())} to "
                         f"{int(array.max())}")
    return array.astype(np.int64)


def _forward_nll(p, x_ids, y_ids, h, c):
    """Summed nll of one chunk and its final state, no gradients."""
    size = p.W.shape[1]
    h_seq, c_seq, _ = lstm_fast.lstm_forward(one_hot(x_ids, size),
                                             p.lstm, h, c)
    logits = h_seq.reshape(-1, h_seq.shape[-1]) @ p.W + p.b
    loss, _ = softmax_cross_entropy(logits, y_ids.reshape(-1))
    return loss * y_ids.size, h_seq[:, -1], c_seq[:, -1]


def _checked_ids(name, ids, size):
    """ids as a 1-D int64 array of ids in [0, size), at least 2 long."""
    ids = np.asarray(ids)
    if ids.dtype == object or ids.dtype.kind not in "iu" or ids.ndim != 1:
        raise TypeError(f"{name} must be a 1-D integer array of ids; got "
                        f"dtype {ids.dtype}, shape {ids.shape}")
    if ids.size < 2:
        raise ValueError(f"{name} must hold at least 2 ids (one to read, "
                         f"one to predict); got {ids.size}")
    return _ids_in_vocab(name, ids, size)


def evaluate_nll(params, ids, batch=1, steps=100):
    """Mean nll (nats per character) of ids[1:], each given the text
    before it, with the state carried through the whole sequence.

    The text is read as `batch` streams, as by language.tbptt_batches,
    but nothing is left out: the last chunk of each stream may be
    shorter, and the pairs left over after the streams are read as a
    continuation of the last stream. Each stream starts from a zero
    state, so batch=1 gives every character its full context; a larger
    batch is quicker and scores the first characters of its streams with
    less. Every one of the len(ids) - 1 characters is scored once, as
    language.unigram_nll and bigram_nll score them.

    Parameters
    ----------
    params : CharLSTMParams
    ids : int array (N,), N - 1 >= batch
    batch, steps : int >= 1

    Returns
    -------
    float
    """
    p, size, units = _check_params(params)
    ids = _checked_ids("ids", ids, size)
    batch = require_int("batch", batch, 1)
    steps = require_int("steps", steps, 1)
    if ids.size - 1 < batch:
        raise ValueError(f"ids of length {ids.size} hold fewer than "
                         f"batch={batch} characters to predict")
    length = (ids.size - 1) // batch
    x = ids[:batch * length].reshape(batch, length)  # (B, L)
    y = ids[1:batch * length + 1].reshape(batch, length)
    h = c = np.zeros((batch, units))
    total = 0.0
    for start in range(0, length, steps):
        nll, h, c = _forward_nll(p, x[:, start:start + steps],
                                 y[:, start:start + steps], h, c)
        total += nll
    if ids.size - 1 > batch * length:  # the last stream, continued
        tail = ids[batch * length:]
        for start in range(0, tail.size - 1, steps):
            piece = tail[start:start + steps + 1]
            nll, h, c = _forward_nll(p, piece[None, :-1], piece[None, 1:],
                                     h[-1:], c[-1:])
            total += nll
    return total / (ids.size - 1)


def position_nll(params, ids, steps=500):
    """The nll of each of ids[1:], given all of the text before it.

    The text is read as one stream from a zero state, in chunks of
    `steps` with the state carried, as evaluate_nll(params, ids, 1,
    steps) reads it; that function's result is the mean of this one's.

    Returns
    -------
    array (len(ids) - 1,): entry t is -log p(ids[t + 1] | ids[:t + 1])
    """
    p, size, units = _check_params(params)
    ids = _checked_ids("ids", ids, size)
    steps = require_int("steps", steps, 1)
    h = c = np.zeros((1, units))
    out = []
    for start in range(0, ids.size - 1, steps):
        piece = ids[start:start + steps + 1]
        h_seq, c_seq, _ = lstm_fast.lstm_forward(
            one_hot(piece[None, :-1], size), p.lstm, h, c)
        logits = h_seq[0] @ p.W + p.b  # (S, V)
        out.append(token_nll(logits, piece[1:]))
        h, c = h_seq[:, -1], c_seq[:, -1]
    return np.concatenate(out)


def context_nll(params, ids, positions, context, steps=50):
    """The nll of ids[k + 1] given only the `context` characters that end
    at ids[k], read from a zero state, for each k in positions.

    This measures how much context the model uses: as `context` grows,
    the nll falls towards position_nll's, and stops falling where the
    model's memory ends.

    Parameters
    ----------
    params : CharLSTMParams
    ids : int array (N,)
    positions : int array (M,), each k with context - 1 <= k <= N - 2
    context : int >= 1
    steps : int >= 1, steps per forward call (bounds the memory used)

    Returns
    -------
    array (M,)
    """
    p, size, units = _check_params(params)
    ids = _checked_ids("ids", ids, size)
    context = require_int("context", context, 1)
    steps = require_int("steps", steps, 1)
    positions = np.asarray(positions)
    if (positions.dtype == object or positions.dtype.kind not in "iu"
            or positions.ndim != 1 or positions.size == 0):
        raise TypeError("positions must be a non-empty 1-D integer array; "
                        f"got dtype {positions.dtype}, shape "
                        f"{positions.shape}")
    low, high = context - 1, ids.size - 2
    if positions.min() < low or positions.max() > high:
        raise ValueError(f"positions must lie in [{low}, {high}] for "
                         f"context={context} and {ids.size} ids; got "
                         f"{int(positions.min())} to "
                         f"{int(positions.max())}")
    # row m reads ids[k - context + 1], ..., ids[k] for k = positions[m]
    offsets = np.arange(-context + 1, 1)
    reads = ids[positions[:, None] + offsets]  # (M, context)
    h = c = np.zeros((positions.size, units))
    for start in range(0, context, steps):
        h_seq, c_seq, _ = lstm_fast.lstm_forward(
            one_hot(reads[:, start:start + steps], size), p.lstm, h, c)
        h, c = h_seq[:, -1], c_seq[:, -1]
    return token_nll(h @ p.W + p.b, ids[positions + 1])


# region: train
def train(params, train_ids, val_ids, *, batch, steps, lr, clip,
          n_updates, seed=0, log_every=100):
    """Train the model in place by truncated BPTT with Adam.

    Each pass over the training text starts from a zero state and from a
    random offset in [0, steps) (drawn from `seed`), so that the chunk
    boundaries move from pass to pass; within a pass the state is
    carried from chunk to chunk. Gradients are clipped to a global norm
    of `clip` by optim.Adam.

    Parameters
    ----------
    params : CharLSTMParams, updated in place
    train_ids, val_ids : int arrays (N_train,), (N_val,)
    batch, steps : int, B streams of chunks of S steps
    lr, clip : float > 0
    n_updates : int, the number of Adam steps
    seed : int
    log_every : int, updates between two entries of the history

    Returns
    -------
    history : list of (update, train_loss, val_nll) tuples, one every
        log_every updates and one at the end: train_loss is the mean
        chunk loss since the previous entry, val_nll is evaluate_nll on
        val_ids with the same batch and steps.
    """
    p, size, units = _check_params(params)
    n_updates = require_int("n_updates", n_updates, 1)
    log_every = require_int("log_every", log_every, 1)
    seed = require_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    optimiser = Adam(_flat(p), lr=lr, clip_norm=clip)
    # bad arguments fail here, before any update: tbptt_batches checks
    # when called, evaluate_nll on a few characters of val_ids
    tbptt_batches(train_ids, batch, steps)
    train_ids = np.asarray(train_ids)
    evaluate_nll(p, np.asarray(val_ids)[:batch + 1], batch, steps)

    history, losses, update = [], [], 0
    while update < n_updates:
        offset = int(rng.integers(steps))
        h = c = None  # a new pass: zero state
        for x_ids, y_ids in tbptt_batches(train_ids[offset:], batch,
                                          steps):
            loss, grads, (h, c) = chunk_loss_and_grads(p, x_ids, y_ids,
                                                       h, c)
            optimiser.step(_flat(grads))
            losses.append(loss)
            update += 1
            if update % log_every == 0 or update == n_updates:
                val = evaluate_nll(p, val_ids, batch, steps)
                history.append((update, float(np.mean(losses)), val))
                losses = []
            if update == n_updates:
                break
    return history
# endregion


# region: generate
def generate(params, vocab, prime, length, temperature, rng):
    """Continue `prime` by `length` characters, one at a time.

    The prime is read first (its state carried), then each character is
    drawn with language.sample_with_temperature from the logits after
    the one before, and fed back in.

    Parameters
    ----------
    params : CharLSTMParams
    vocab : language.Vocabulary with vocab.size == V
    prime : str, at least one character of the vocabulary
    length : int >= 0
    temperature : float > 0
    rng : np.random.Generator

    Returns
    -------
    str, the `length` new characters (without the prime)
    """
    p, size, units = _check_params(params)
    if not isinstance(vocab, Vocabulary) or vocab.size != size:
        raise TypeError(f"vocab must be the Vocabulary of the model's "
                        f"{size} characters; got "
                        + (f"one of {vocab.size}"
                           if isinstance(vocab, Vocabulary)
                           else type(vocab).__name__))
    ids = vocab.encode(prime)
    length = require_int("length", length, 0)
    rng = require_generator("rng", rng)
    lstm = as_params(p.lstm, LSTMParams)  # copied once, not every step
    h_seq, c_seq, _ = lstm_fast.lstm_forward(one_hot(ids[None], size),
                                             lstm)
    h, c = h_seq[:, -1], c_seq[:, -1]  # (1, H)
    out = []
    for _ in range(length):
        logits = h[0] @ p.W + p.b  # (V,)
        k = sample_with_temperature(logits, temperature, rng)
        out.append(k)
        h_seq, c_seq, _ = lstm_fast.lstm_forward(
            one_hot([[k]], size), lstm, h, c)
        h, c = h_seq[:, -1], c_seq[:, -1]
    return vocab.decode(np.array(out, dtype=np.int64))
# endregion
