"""Optimisers for the NumPy networks: plain gradient descent and Adam,
with gradient-norm clipping.

Clipping lives here, in the optimiser, and never inside a backward pass: a
gradient check of a clipped gradient would check nothing.

Gradients must be a list of arrays of finite numbers: a NaN or inf is
refused with a ValueError before anything changes, since one NaN would
spread to every weight (and, in Adam, stay in the moments for good). Norms
are computed in float64, so float16 gradients of a few hundred do not
overflow. The settings (lr, betas, eps, clip_norm) are checked when the
optimiser is made.
"""
import numpy as np

from ._shapes import as_float_array, require_finite, require_number


def _positive(name, value):
    """value as a finite float > 0, or one clear error."""
    return require_number(name, value, low=0, low_open=True)


def _gradient_list(grads, name="grads"):
    """grads as a list of float arrays of finite numbers; a lone array is
    refused, not split into rows.
    """
    if isinstance(grads, np.ndarray):
        raise TypeError(
            f"{name} must be a list of arrays; got a single array of "
            f"shape {grads.shape}: pass [array]"
        )
    try:
        grads = list(grads)
    except TypeError:
        raise TypeError(f"{name} must be a list of arrays; "
                        f"got {type(grads).__name__}") from None
    return [
        require_finite(f"{name}[{k}]", as_float_array(f"{name}[{k}]", g))
        for k, g in enumerate(grads)
    ]


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every array: the norm
    of all gradients as one vector.

    Computed in float64, and rescaled should even that overflow.
    """
    grads = _gradient_list(grads)
    with np.errstate(over="ignore"):
        total = sum(np.sum(np.square(g, dtype=np.float64)) for g in grads)
    # entries above about 1e154: divide by the largest first
    if np.isinf(total):
        top = max(float(np.max(np.abs(g))) for g in grads if g.size)
        return top * float(np.sqrt(sum(
            np.sum(np.square(g / top, dtype=np.float64)) for g in grads
        )))
    return float(np.sqrt(total))


def clip_by_global_norm(grads, max_norm):
    """Rescale all gradients together so that their global norm is at most
    max_norm.

    Returns (clipped_grads, norm_before). The direction of the combined
    gradient is kept; only its length shrinks (Pascanu et al. 2013).
    """
    max_norm = _positive("max_norm", max_norm)
    grads = _gradient_list(grads)  # finite float arrays
    norm = global_norm(grads)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * scale for g in grads], norm


class _Optimizer:
    def __init__(self, params, lr, clip_norm=None):
        try:
            self.params = list(params)
        except TypeError:
            raise TypeError("params must be a list of NumPy arrays; "
                            f"got {type(params).__name__}") from None
        if not self.params:
            raise ValueError(
                "params must hold at least one array to update; got none"
            )
        for k, p in enumerate(self.params):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                what = (f"an array of dtype {p.dtype}"
                        if isinstance(p, np.ndarray) else type(p).__name__)
                raise TypeError(f"params[{k}] must be a floating NumPy "
                                f"array, updated in place; got {what}")
            if not p.flags.writeable:
                raise ValueError(f"params[{k}] is read-only; "
                                 "the optimiser must update it in place")
            require_finite(f"params[{k}]", p)
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError("params holds the same array twice; "
                             "it would be updated twice per step")
        self.lr = _positive("lr", lr)
        self.clip_norm = (None if clip_norm is None
                          else _positive("clip_norm", clip_norm))
        self.steps = 0

    def _prepare(self, grads):
        """Check grads (all before any state changes), clip them, count the
        step.
        """
        grads = _gradient_list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"expected {len(self.params)} gradients, "
                             f"one per parameter; got {len(grads)}")
        for k, (p, g) in enumerate(zip(self.params, grads)):
            if g.shape != p.shape:
                raise ValueError(f"gradient {k} has shape {g.shape} but "
                                 f"its parameter has shape {p.shape}")
        # Updates in at least float32: the square of a float16 gradient of
        # 300 overflows float16.
        grads = [g.astype(np.promote_types(g.dtype, np.float32), copy=False)
                 for g in grads]
        norm = global_norm(grads)
        if self.clip_norm is not None:
            grads, _ = clip_by_global_norm(grads, self.clip_norm)
        self.steps += 1
        return grads, norm


class SGD(_Optimizer):
    """p <- p - lr * g, in place. step() returns the gradient norm before
    clipping.
    """

    def __init__(self, params, lr=0.1, clip_norm=None):
        super().__init__(params, lr, clip_norm)

    def step(self, grads):
        grads, norm = self._prepare(grads)
        for p, g in zip(self.params, grads):
            p -= self.lr * g
        return norm


class Adam(_Optimizer):
    """Adam (Kingma and Ba 2015), updating the arrays in place.

        m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g**2
        p <- p - lr * m_hat / (sqrt(v_hat) + eps),
             m_hat = m / (1 - b1**t), v_hat = v / (1 - b2**t)

    step() returns the gradient norm before clipping, worth logging. lr and
    eps must be positive, each beta in [0, 1); the moments are kept in at
    least float32.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
                 clip_norm=None):
        super().__init__(params, lr, clip_norm)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(
                f"betas must be a pair (beta1, beta2); got {betas!r}"
            )
        self.beta1 = require_number("betas[0]", betas[0], low=0, high=1,
                                    high_open=True)
        self.beta2 = require_number("betas[1]", betas[1], low=0, high=1,
                                    high_open=True)
        self.eps = _positive("eps", eps)
        self.m = [
            np.zeros_like(p, dtype=np.promote_types(p.dtype, np.float32))
            for p in self.params
        ]
        self.v = [
            np.zeros_like(p, dtype=np.promote_types(p.dtype, np.float32))
            for p in self.params
        ]

    def step(self, grads):
        grads, norm = self._prepare(grads)
        t = self.steps
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            m_hat = m / (1 - self.beta1**t)
            v_hat = v / (1 - self.beta2**t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        return norm
