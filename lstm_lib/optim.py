"""Optimisers for the NumPy networks: plain gradient descent and Adam, with gradient-norm clipping.

Clipping lives here, in the optimiser, and never inside a backward pass: a
gradient check of a clipped gradient would check nothing.
"""
import numpy as np


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every array: the norm of all gradients as one vector."""
    return float(np.sqrt(sum(np.sum(np.square(g)) for g in grads)))


def clip_by_global_norm(grads, max_norm):
    """Rescale all gradients together so that their global norm is at most max_norm.

    Returns (clipped_grads, norm_before). The direction of the combined gradient
    is kept; only its length shrinks (Pascanu et al. 2013).
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be positive; got {max_norm!r}")
    grads = list(grads)
    norm = global_norm(grads)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * scale for g in grads], norm


class _Optimizer:
    def __init__(self, params, clip_norm=None):
        self.params = list(params)
        for k, p in enumerate(self.params):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise ValueError(f"params[{k}] must be a floating NumPy array, updated in place; got {type(p).__name__}")
        self.clip_norm = clip_norm
        self.steps = 0

    def _prepare(self, grads):
        grads = list(grads)
        if len(grads) != len(self.params):
            raise ValueError(f"expected {len(self.params)} gradients, one per parameter; got {len(grads)}")
        for k, (p, g) in enumerate(zip(self.params, grads)):
            if np.shape(g) != p.shape:
                raise ValueError(f"gradient {k} has shape {np.shape(g)} but its parameter has shape {p.shape}")
        norm = global_norm(grads)
        if self.clip_norm is not None:
            grads, _ = clip_by_global_norm(grads, self.clip_norm)
        self.steps += 1
        return grads, norm


class SGD(_Optimizer):
    """p <- p - lr * g, in place. step() returns the gradient norm before clipping."""

    def __init__(self, params, lr=0.1, clip_norm=None):
        super().__init__(params, clip_norm)
        self.lr = lr

    def step(self, grads):
        grads, norm = self._prepare(grads)
        for p, g in zip(self.params, grads):
            p -= self.lr * g
        return norm


class Adam(_Optimizer):
    """Adam (Kingma and Ba 2015), updating the arrays in place.

        m <- b1 m + (1 - b1) g,   v <- b2 v + (1 - b2) g**2
        p <- p - lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1**t), v_hat = v / (1 - b2**t)

    step() returns the gradient norm before clipping, worth logging.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, clip_norm=None):
        super().__init__(params, clip_norm)
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]

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
