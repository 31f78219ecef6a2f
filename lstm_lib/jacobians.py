"""Norms of the state-to-state Jacobians dh_T/dh_{T-l} along a sequence.

These measure how much a change in the state l steps back still moves the
last state: the quantity whose decay (or growth) with the lag l is the
vanishing (or exploding) gradient. Norms are spectral norms (largest
singular value). Jacobians follow the usual convention, rows indexing
outputs: J[a, b] = d out_a / d in_b.

The inputs are checked by rnn_forward, lstm_forward and gru_forward
(shapes, NaN and inf). A product of Jacobians that overflows its float
type (an exploding gradient taken too far) raises a ValueError rather
than return inf or nan.
"""
import numpy as np

from .activations import sigmoid_grad_from_output, tanh_grad_from_output
from .gru import GRUParams, gru_forward
from .lstm import LSTMParams, lstm_forward
from .params import as_params
from .rnn import RNNParams, rnn_forward


def _norms_by_lag(step_jacobians, block=slice(None)):
    """Given J_t = ds_t/ds_{t-1} (B, T, S, S), return ||ds_T/ds_{T-l}||
    for l = 1..T, as (B, T).
    """
    batch, steps, size, _ = step_jacobians.shape
    product = np.broadcast_to(np.eye(size), (batch, size, size))
    norms = np.empty((batch, steps))
    for lag in range(1, steps + 1):
        # checked just below
        with np.errstate(over="ignore", invalid="ignore"):
            # ds_T/ds_{T-lag}
            product = product @ step_jacobians[:, steps - lag]
        if not np.all(np.isfinite(product)):
            raise ValueError(
                "the product of Jacobians overflowed "
                f"{product.dtype} at lag {lag}; "
                "use fewer steps or smaller weights"
            )
        norms[:, lag - 1] = np.linalg.norm(product[:, block, block], ord=2,
                                           axis=(1, 2))
    return norms


def rnn_jacobian_norms(x, params, h0=None):
    """||dh_T/dh_{T-l}||_2 for l = 1..T, as an array (B, T) indexed by
    lag - 1.

    For the RNN, dh_t/dh_{t-1} = diag(1 - h_t**2) W_hh in the column-vector
    convention (W_hh = recurrent_kernel.T here).
    """
    p = as_params(params, RNNParams)  # checked RNNParams
    h_seq, _ = rnn_forward(x, p, h0)
    step_jacobians = (tanh_grad_from_output(h_seq)[..., :, None]
                      * p.recurrent_kernel.T)  # (B, T, H, H)
    return _norms_by_lag(step_jacobians)


def lstm_step_jacobians(x, params, h0=None, c0=None):
    """d(h_t, c_t)/d(h_{t-1}, c_{t-1}) at every step, as (B, T, 2H, 2H),
    blocks [[hh, hc], [ch, cc]].
    """
    p = as_params(params, LSTMParams)
    h_seq, c_seq, cache = lstm_forward(x, p, h0, c0)
    units = p.units
    c0 = cache.c0
    c_prev = np.concatenate([c0[:, None], c_seq[:, :-1]], axis=1)
    i, f, g, o, tanh_c = cache.i, cache.f, cache.g, cache.o, cache.tanh_c

    # dz/dh_{t-1} = recurrent_kernel.T, one (H, H) block per gate.
    U = {name: p.gate(name)[1].T for name in p.GATE_ORDER}
    # region: step-blocks
    d_i = sigmoid_grad_from_output(i)[..., None] * U["i"]  # (B, T, H, H)
    d_f = sigmoid_grad_from_output(f)[..., None] * U["f"]
    d_g = tanh_grad_from_output(g)[..., None] * U["c"]
    d_o = sigmoid_grad_from_output(o)[..., None] * U["o"]

    # c_t = f c_{t-1} + i g
    dc_dh = (c_prev[..., None] * d_f
             + g[..., None] * d_i
             + i[..., None] * d_g)
    dc_dc = f[..., None] * np.eye(units)
    dtanh = (o * tanh_grad_from_output(tanh_c))[..., None]
    dh_dh = tanh_c[..., None] * d_o + dtanh * dc_dh  # h_t = o tanh(c_t)
    dh_dc = dtanh * dc_dc
    # endregion

    top = np.concatenate([dh_dh, dh_dc], axis=-1)
    bottom = np.concatenate([dc_dh, dc_dc], axis=-1)
    return np.concatenate([top, bottom], axis=-2)


def lstm_jacobian_norms(x, params, h0=None, c0=None, wrt="hidden"):
    """Norms of the LSTM's state Jacobians against the lag l = 1..T, as
    (B, T).

    wrt="hidden": ||dh_T/dh_{T-l}||, "cell": ||dc_T/dc_{T-l}||, "state":
    the norm of the whole d(h_T, c_T)/d(h_{T-l}, c_{T-l}). Each block is a
    partial derivative of the product of step Jacobians, so dh_T/dh_k holds
    c_k fixed.
    """
    blocks = {"hidden": 0, "cell": 1, "state": None}
    if not isinstance(wrt, str) or wrt not in blocks:
        raise ValueError(f"wrt must be one of {tuple(blocks)}; got {wrt!r}")
    step_jacobians = lstm_step_jacobians(x, params, h0, c0)
    units = step_jacobians.shape[-1] // 2
    block = (slice(None) if blocks[wrt] is None
             else slice(blocks[wrt] * units, (blocks[wrt] + 1) * units))
    return _norms_by_lag(step_jacobians, block)


def gru_step_jacobians(x, params, h0=None):
    """dh_t/dh_{t-1} of a GRU at every step, as (B, T, H, H).

    Parameters
    ----------
    x : array (B, T, D)
    params : GRUParams
    h0 : array (B, H), optional; zeros when omitted.

    Returns
    -------
    array (B, T, H, H): J_t[a, b] = d h_t[a] / d h_{t-1}[b].

    From h_t = z h_{t-1} + (1 - z) h~ with h~ = tanh(xw_h + r hu_h): the
    old state passes through diag(z) directly, and through the update
    gate, the reset gate and the candidate.
    """
    p = as_params(params, GRUParams)
    h_seq, cache = gru_forward(x, p, h0)
    h_prev = np.concatenate([cache.h0[:, None], h_seq[:, :-1]], axis=1)
    z, r, h_tilde, hu_h = cache.z, cache.r, cache.h_tilde, cache.hu_h

    # d(h_{t-1} recurrent_kernel)/dh_{t-1}, one (H, H) block per gate.
    U = {name: p.gate(name)[1].T for name in p.GATE_ORDER}
    # region: gru-step-blocks
    d_z = sigmoid_grad_from_output(z)[..., None] * U["z"]  # (B, T, H, H)
    d_r = sigmoid_grad_from_output(r)[..., None] * U["r"]
    # the candidate's pre-activation a_h = xw_h + r hu_h
    d_a = hu_h[..., None] * d_r + r[..., None] * U["h"]
    d_h_tilde = tanh_grad_from_output(h_tilde)[..., None] * d_a
    # h_t = z h_{t-1} + (1 - z) h~
    dh_dh = (z[..., None] * np.eye(p.units)
             + (h_prev - h_tilde)[..., None] * d_z
             + (1 - z)[..., None] * d_h_tilde)
    # endregion
    return dh_dh


def gru_jacobian_norms(x, params, h0=None):
    """||dh_T/dh_{T-l}||_2 of a GRU for l = 1..T, as an array (B, T)
    indexed by lag - 1.

    Parameters
    ----------
    x : array (B, T, D)
    params : GRUParams
    h0 : array (B, H), optional; zeros when omitted.

    The GRU's one state is h, so these compare with the RNN's norms and
    with the LSTM's wrt="hidden" and wrt="state" norms.
    """
    return _norms_by_lag(gru_step_jacobians(x, params, h0))
