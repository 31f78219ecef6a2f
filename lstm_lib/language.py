"""Character-level language modelling: the text, its vocabulary, the
softmax output and its loss, sampling, count baselines and the batches of
truncated backpropagation through time.

A language model gives, at every position of a text, a probability
distribution over the next character. Its quality on held-out text is the
mean negative log-likelihood (nll, in nats per character) of the
characters that actually come, or its exponential, the perplexity: a
model that spreads its bets evenly over V characters has perplexity V.

Shapes: N positions, V characters in the vocabulary, B parallel streams,
S steps per chunk. Ids are integer arrays; a text is a Python str.

Nothing here is Keras: lstm_lib.char_lstm builds the NumPy LSTM on these
pieces, and a Keras model can use the same vocabulary, split and batches.
"""
from importlib import resources
import pathlib

import numpy as np

from ._shapes import (as_float_array, float_dtype, require_finite,
                      require_generator, require_int, require_number,
                      require_shape)

__all__ = ["load_course_text", "Vocabulary", "split_ids", "one_hot",
           "softmax", "softmax_cross_entropy", "token_nll", "perplexity",
           "sample_with_temperature", "unigram_nll", "bigram_nll",
           "tbptt_batches"]

TEXT_FILE = "course_text.txt"


def load_course_text():
    """The course's own prose, about 370 KB: the packaged snapshot.

    Returns
    -------
    str
        data/course_text.txt (made by tools/make_course_text.py, see
        data/README.md; CC BY 4.0), read from the installed package
        (lstm_lib.snapshots) or, in a checkout, from data/.
    """
    try:
        source = resources.files("lstm_lib.snapshots") / TEXT_FILE
    except ModuleNotFoundError:  # a checkout: data/ beside the package
        source = pathlib.Path(__file__).resolve().parent.parent / "data"
        source = source / TEXT_FILE
    return source.read_text(encoding="utf-8")


def _require_text(name, text):
    """text if it is a non-empty str, else a TypeError or ValueError."""
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str; got "
                        f"{type(text).__name__}")
    if not text:
        raise ValueError(f"{name} must hold at least one character; "
                         "got an empty string")
    return text


def _require_ids(name, ids, size=None, ndim=None, min_length=1):
    """ids as an int64 array of ids in [0, size), checked."""
    array = np.asarray(ids)
    if array.dtype == object or array.dtype.kind not in "iu":
        raise TypeError(
            f"{name} must be an array of integer ids; got "
            + (f"dtype {array.dtype}" if array.dtype != object
               else type(ids).__name__)
        )
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array of ids; "
                         f"got shape {array.shape}")
    if array.size < min_length:
        raise ValueError(f"{name} must hold at least {min_length} ids; "
                         f"got {array.size}")
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must hold ids >= 0; "
                         f"got {int(array.min())}")
    if size is not None and array.size and array.max() >= size:
        raise ValueError(f"{name} must hold ids below the vocabulary "
                         f"size {size}; got {int(array.max())}")
    return array.astype(np.int64)


def _require_logits(name, logits):
    """logits as a float array of finite numbers with a last axis."""
    logits = as_float_array(name, logits)
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(f"{name} must have a last axis of at least one "
                         f"class; got shape {logits.shape}")
    return require_finite(name, logits)


class Vocabulary:
    """The characters of a text, each with an id: its place in sorted
    order.

    Make one with Vocabulary.from_text(text). `chars` is the tuple of
    characters, `size` their number V; encode and decode translate.
    """

    def __init__(self, chars):
        chars = tuple(chars)
        if not chars or not all(isinstance(c, str) and len(c) == 1
                                for c in chars):
            raise ValueError("chars must be a non-empty sequence of "
                             "single characters")
        if len(set(chars)) != len(chars):
            raise ValueError("chars must not repeat a character")
        self.chars = chars
        self.index = {c: i for i, c in enumerate(chars)}

    @classmethod
    def from_text(cls, text):
        """The vocabulary of every distinct character in `text`, sorted."""
        return cls(sorted(set(_require_text("text", text))))

    @property
    def size(self):
        """V, the number of characters."""
        return len(self.chars)

    def __len__(self):
        return self.size

    def __repr__(self):
        return f"Vocabulary(size={self.size})"

    def encode(self, text):
        """text (a str of N characters) as ids, an int64 array (N,).

        A character outside the vocabulary is a ValueError naming it.
        """
        _require_text("text", text)
        try:
            return np.array([self.index[c] for c in text], dtype=np.int64)
        except KeyError as exc:
            raise ValueError(
                f"text holds the character {exc.args[0]!r}, which is not "
                f"in the vocabulary of {self.size} characters"
            ) from None

    def decode(self, ids):
        """ids (any shape, integers in [0, V)) as a str, in order."""
        ids = _require_ids("ids", ids, self.size, min_length=0)
        return "".join(self.chars[i] for i in ids.ravel())


def split_ids(ids, validation=0.1):
    """Split a text's ids into a training part and a held-out END.

    Parameters
    ----------
    ids : int array (N,)
    validation : float in (0, 1)
        The share held out, rounded to whole ids; both parts keep at
        least two ids (one prediction each).

    Returns
    -------
    train (N - n_val,), val (n_val,) : int64 copies; the held-out part is
    the end of the text, so no text the model trains on comes after it.
    """
    ids = _require_ids("ids", ids, ndim=1, min_length=4)
    validation = require_number("validation", validation, low=0, high=1,
                                low_open=True, high_open=True)
    n_val = min(max(int(round(validation * ids.size)), 2), ids.size - 2)
    return ids[:-n_val].copy(), ids[-n_val:].copy()


def one_hot(ids, size, dtype=np.float64):
    """ids (any shape) as one-hot rows, shape (*ids.shape, size)."""
    size = require_int("size", size, 1)
    ids = _require_ids("ids", ids, size, min_length=0)
    out = np.zeros(ids.shape + (size,), dtype=float_dtype("dtype", dtype))
    np.put_along_axis(out, ids[..., None], 1, axis=-1)
    return out


def softmax(logits, axis=-1):
    """exp(logits) / sum(exp(logits)) along `axis`, the same shape.

    The maximum is subtracted first: softmax(z) = softmax(z - max z), and
    then every exponent is <= 0, so nothing overflows.
    """
    logits = _require_logits("logits", logits)
    axis = require_int("axis", axis)
    if not -logits.ndim <= axis < logits.ndim:
        raise ValueError(f"axis must index one of the {logits.ndim} axes "
                         f"of logits; got {axis}")
    shifted = logits - logits.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def _log_softmax(logits):
    """log softmax along the last axis, by log-sum-exp, (..., V)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# region: cross-entropy
def softmax_cross_entropy(logits, targets):
    """Mean negative log-likelihood of the targets, and its gradient.

    Parameters
    ----------
    logits : array (N, V)
        Unnormalised log-probabilities, one row per position.
    targets : int array (N,)
        The character that comes at each position, in [0, V).

    Returns
    -------
    loss : float
        -(1/N) sum_n log softmax(logits_n)[targets_n], in nats.
    dlogits : array (N, V)
        d loss / d logits = (softmax(logits) - one_hot(targets)) / N.

    log softmax is computed as s - max s - log sum exp(s - max s) for
    the logits s of a row, which neither overflows nor takes the log of a
    rounded-to-zero probability.
    """
    logits = _require_logits("logits", logits)
    require_shape("logits", logits, (None, None), "(positions, classes)")
    n, size = logits.shape
    if n == 0:
        raise ValueError("logits must hold at least one position; "
                         f"got shape {logits.shape}")
    targets = _require_ids("targets", targets, size, ndim=1)
    require_shape("targets", targets, (n,), "(positions,)")

    log_p = _log_softmax(logits)  # (N, V)
    rows = np.arange(n)
    loss = -log_p[rows, targets].mean()
    dlogits = np.exp(log_p)  # softmax, (N, V)
    dlogits[rows, targets] -= 1.0
    dlogits /= n
    return float(loss), dlogits
# endregion


def token_nll(logits, targets):
    """The negative log-likelihood of each target on its own.

    Parameters
    ----------
    logits : array (N, V)
    targets : int array (N,) in [0, V)

    Returns
    -------
    array (N,) of -log softmax(logits_n)[targets_n], in nats; its mean is
    softmax_cross_entropy's loss. Computed by log-sum-exp, like it.
    """
    logits = _require_logits("logits", logits)
    require_shape("logits", logits, (None, None), "(positions, classes)")
    n, size = logits.shape
    targets = _require_ids("targets", targets, size, ndim=1)
    require_shape("targets", targets, (n,), "(positions,)")
    return -_log_softmax(logits)[np.arange(n), targets]


def perplexity(mean_nll):
    """exp(mean_nll): the perplexity per character of a mean nll in nats.

    A model that gives every one of V characters probability 1/V has
    mean nll log V and perplexity V.
    """
    return float(np.exp(require_number("mean_nll", mean_nll, low=0)))


# region: sampling
def sample_with_temperature(logits, temperature, rng):
    """Draw a character id from softmax(logits / temperature).

    Parameters
    ----------
    logits : array (V,) or (B, V)
    temperature : float > 0
        Below 1 sharpens the distribution (towards the argmax as it goes
        to 0), above 1 flattens it (towards uniform).
    rng : np.random.Generator

    Returns
    -------
    int for (V,) logits, or an int64 array (B,) for (B, V): one draw per
    row, by inverting the cumulative distribution at rng.random().
    """
    logits = _require_logits("logits", logits)
    if logits.ndim not in (1, 2):
        raise ValueError("logits must have shape (V,) or (batch, V); "
                         f"got shape {logits.shape}")
    temperature = require_number("temperature", temperature, low=0,
                                 low_open=True)
    rng = require_generator("rng", rng)
    rows = np.atleast_2d(logits)  # (B, V)
    # the max subtracted before dividing: a tiny temperature sends the
    # others to -inf, exp to 0, and leaves the argmax at exp(0) = 1
    with np.errstate(over="ignore"):
        scaled = (rows - rows.max(axis=1, keepdims=True)) / temperature
    p = np.exp(scaled)  # unnormalised, (B, V)
    cdf = np.cumsum(p, axis=1)
    u = rng.random(rows.shape[0]) * cdf[:, -1]  # (B,)
    ids = (cdf <= u[:, None]).sum(axis=1)  # first k with cdf_k > u
    ids = np.minimum(ids, rows.shape[1] - 1)
    return int(ids[0]) if logits.ndim == 1 else ids.astype(np.int64)
# endregion


def _check_counts(train_ids, val_ids, size, alpha):
    """The checked arguments of the count models."""
    size = require_int("size", size, 1)
    train_ids = _require_ids("train_ids", train_ids, size, ndim=1,
                             min_length=2)
    val_ids = _require_ids("val_ids", val_ids, size, ndim=1,
                           min_length=2)
    alpha = require_number("alpha", alpha, low=0, low_open=True)
    return train_ids, val_ids, size, alpha


def unigram_nll(train_ids, val_ids, size, alpha=1.0):
    """Mean nll on val_ids[1:] of character frequencies counted in
    train_ids, with add-alpha smoothing.

    p(c) = (count(c) + alpha) / (N_train + alpha V). The first character
    of val_ids is not scored, so that the unigram, the bigram and the
    LSTM (char_lstm.evaluate_nll) all score the same len(val_ids) - 1
    characters.

    Parameters
    ----------
    train_ids, val_ids : int arrays (N_train,), (N_val,), ids in [0, V)
    size : int, V
    alpha : float > 0

    Returns
    -------
    float, nats per character
    """
    train_ids, val_ids, size, alpha = _check_counts(train_ids, val_ids,
                                                    size, alpha)
    counts = np.bincount(train_ids, minlength=size) + alpha  # (V,)
    log_p = np.log(counts / counts.sum())
    return float(-log_p[val_ids[1:]].mean())


def bigram_nll(train_ids, val_ids, size, alpha=1.0):
    """Mean nll on val_ids[1:] of next-character frequencies counted in
    train_ids, each given the character before, add-alpha smoothed.

    p(b | a) = (count(a b) + alpha) / (count(a .) + alpha V), where
    count(a b) counts the pairs a, b next to each other in train_ids.

    Parameters and return as unigram_nll.
    """
    train_ids, val_ids, size, alpha = _check_counts(train_ids, val_ids,
                                                    size, alpha)
    counts = np.full((size, size), alpha)  # (V, V): row a, column b
    np.add.at(counts, (train_ids[:-1], train_ids[1:]), 1)
    log_p = np.log(counts / counts.sum(axis=1, keepdims=True))
    return float(-log_p[val_ids[:-1], val_ids[1:]].mean())


# region: tbptt-batches
def tbptt_batches(ids, batch, steps):
    """Chunks of a text for truncated backpropagation through time.

    The N - 1 (input, next character) pairs of the text are cut into
    `batch` streams of L = (N - 1) // batch consecutive pairs: stream b
    is the text from position b L on. Chunk k holds steps k S to
    (k + 1) S - 1 of every stream, so row b of chunk k + 1 continues row
    b of chunk k, and a state carried from one chunk to the next is the
    state of the same stream. The last L mod S steps of each stream and
    the last (N - 1) mod batch pairs of the text are left out.

    Parameters
    ----------
    ids : int array (N,)
    batch : int, B >= 1
    steps : int, S >= 1; every stream must have at least S steps

    Yields
    ------
    x, y : int64 arrays (B, S); y is x shifted by one character,
    y[b, s] = the id that follows x[b, s] in the text.
    """
    ids = _require_ids("ids", ids, ndim=1, min_length=2)
    batch = require_int("batch", batch, 1)
    steps = require_int("steps", steps, 1)
    length = (ids.size - 1) // batch  # L, pairs per stream
    if length < steps:
        raise ValueError(
            f"ids of length {ids.size} give each of batch={batch} "
            f"streams {length} steps, fewer than steps={steps}; use a "
            "smaller batch or fewer steps"
        )
    x = ids[:batch * length].reshape(batch, length)  # (B, L)
    y = ids[1:batch * length + 1].reshape(batch, length)  # (B, L)
    return _chunks(x, y, steps)
# endregion


def _chunks(x, y, steps):
    """The (B, S) column blocks of x and y, in order, as copies."""
    for start in range(0, x.shape[1] - steps + 1, steps):
        yield (x[:, start:start + steps].copy(),
               y[:, start:start + steps].copy())
