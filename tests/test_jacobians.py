"""Jacobian norms against Jacobians built column by column from finite differences."""
import numpy as np
import pytest

from lstm_lib.gru import GRUParams, gru_forward
from lstm_lib.initializers import gru_init, lstm_init
from lstm_lib.jacobians import gru_jacobian_norms, gru_step_jacobians, lstm_jacobian_norms, rnn_jacobian_norms
from lstm_lib.lstm import lstm_forward
from lstm_lib.rnn import RNNParams, rnn_forward


def numeric_jacobian(f, x, eps=1e-6):
    """J[a, b] = d f(x)_a / d x_b by centred differences; f maps a vector to a vector.

    Each entry is off by about u / eps ~ 1e-10 at most (rounding of outputs below 1 in size)
    plus eps**2 / 6 |f'''| ~ 1e-13, so the spectral norm of a 3 x 3 Jacobian by about 3e-10:
    rel=1e-6 holds for norms above 3e-4 (the tests' norms are above 0.05).
    """
    cols = []
    for b in range(x.size):
        e = np.zeros_like(x)
        e[b] = eps
        cols.append((f(x + e) - f(x - e)) / (2 * eps))
    return np.stack(cols, axis=1)


def test_rnn_norms_match_numeric_jacobians(rng):
    T, D, H = 6, 2, 3
    p = RNNParams(rng.normal(size=(D, H)), rng.normal(scale=0.8, size=(H, H)), rng.normal(size=H))
    x = rng.normal(size=(1, T, D))
    norms = rnn_jacobian_norms(x, p)
    h_seq, _ = rnn_forward(x, p)
    states = np.concatenate([np.zeros((1, H)), h_seq[0]])  # h_0 .. h_T
    for lag in range(1, T + 1):
        k = T - lag
        J = numeric_jacobian(lambda h: rnn_forward(x[:, k:], p, h[None])[0][0, -1], states[k])
        assert norms[0, lag - 1] == pytest.approx(np.linalg.norm(J, 2), rel=1e-6)


@pytest.mark.parametrize("wrt", ["hidden", "cell"])
def test_lstm_norms_match_numeric_jacobians(rng, wrt):
    T, D, H = 5, 2, 3
    p = lstm_init(H, D, seed=3)
    p = type(p)(p.kernel, 1.5 * p.recurrent_kernel, p.bias + rng.normal(scale=0.3, size=4 * H))
    x = rng.normal(size=(1, T, D))
    norms = lstm_jacobian_norms(x, p, wrt=wrt)
    h_seq, c_seq, _ = lstm_forward(x, p)
    hs = np.concatenate([np.zeros((1, H)), h_seq[0]])
    cs = np.concatenate([np.zeros((1, H)), c_seq[0]])
    for lag in range(1, T + 1):
        k = T - lag
        if wrt == "hidden":  # move h_k, hold c_k
            f = lambda h: lstm_forward(x[:, k:], p, h[None], cs[k][None])[0][0, -1]  # noqa: E731
            J = numeric_jacobian(f, hs[k])
        else:  # move c_k, hold h_k
            f = lambda c: lstm_forward(x[:, k:], p, hs[k][None], c[None])[1][0, -1]  # noqa: E731
            J = numeric_jacobian(f, cs[k])
        assert norms[0, lag - 1] == pytest.approx(np.linalg.norm(J, 2), rel=1e-6)


def test_rnn_norms_obey_the_spectral_bound(rng):
    """|tanh'| <= 1, so ||dh_T/dh_{T-l}|| <= ||W_hh||^l."""
    H = 8
    for scale in (0.5, 1.0, 2.0):
        u = rng.normal(size=(H, H))
        u *= scale / np.linalg.norm(u, 2)
        p = RNNParams(rng.normal(size=(1, H)), u, np.zeros(H))
        norms = rnn_jacobian_norms(rng.normal(size=(3, 20, 1)), p)
        bound = scale ** np.arange(1, 21)
        assert np.all(norms <= bound * (1 + 1e-12))


def test_unknown_block_is_rejected(rng):
    with pytest.raises(ValueError, match="wrt must be one of"):
        lstm_jacobian_norms(np.zeros((1, 2, 1)), lstm_init(2, 1), wrt="gates")


def gru_params(rng, D, H):
    """Keras' initial GRU with a stronger recurrence and non-zero values in both bias rows."""
    p = gru_init(H, D, seed=3)
    return GRUParams(p.kernel, 1.5 * p.recurrent_kernel, rng.normal(scale=0.5, size=(2, 3 * H)))


def test_gru_step_jacobians_match_numeric_jacobians_of_one_step(rng):
    B, T, D, H = 2, 4, 2, 3
    p = gru_params(rng, D, H)
    x, h0 = rng.normal(size=(B, T, D)), rng.normal(size=(B, H))
    J = gru_step_jacobians(x, p, h0)
    assert J.shape == (B, T, H, H)
    h_seq, _ = gru_forward(x, p, h0)
    states = np.concatenate([h0[:, None], h_seq], axis=1)  # h_0 .. h_T
    for b in range(B):
        for t in range(T):
            one_step = lambda h: gru_forward(x[b : b + 1, t : t + 1], p, h[None])[0][0, 0]  # noqa: E731
            # entries of order one, each off by about 1e-10 (numeric_jacobian's docstring)
            np.testing.assert_allclose(J[b, t], numeric_jacobian(one_step, states[b, t]), rtol=0, atol=1e-8)


def test_gru_norms_match_numeric_jacobians(rng):
    T, D, H = 6, 2, 3
    p = gru_params(rng, D, H)
    x, h0 = rng.normal(size=(1, T, D)), rng.normal(size=(1, H))
    norms = gru_jacobian_norms(x, p, h0)
    h_seq, _ = gru_forward(x, p, h0)
    states = np.concatenate([h0, h_seq[0]])  # h_0 .. h_T
    for lag in range(1, T + 1):
        k = T - lag
        J = numeric_jacobian(lambda h: gru_forward(x[:, k:], p, h[None])[0][0, -1], states[k])
        assert norms[0, lag - 1] == pytest.approx(np.linalg.norm(J, 2), rel=1e-6)


def test_a_gru_with_its_update_gate_shut_carries_the_state_unchanged(rng):
    """z = 1 makes h_t = h_{t-1}: every step Jacobian is the identity and every norm is 1."""
    D, H = 2, 3
    p = gru_params(rng, D, H)
    bias = p.bias.copy()
    bias[0, :H] = 50.0  # z = sigmoid(50 + ...) rounds to 1 in float64
    norms = gru_jacobian_norms(rng.normal(size=(2, 8, D)), p._replace(bias=bias))
    np.testing.assert_allclose(norms, 1.0, rtol=0, atol=1e-12)
