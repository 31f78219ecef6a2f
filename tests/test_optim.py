"""Gradient clipping by global norm and the SGD and Adam optimisers."""
import numpy as np
import pytest

from lstm_lib.optim import SGD, Adam, clip_by_global_norm, global_norm



def test_global_norm_treats_all_arrays_as_one_vector():
    assert global_norm([np.array([3.0]), np.array([[4.0]])]) == pytest.approx(5.0)


def test_clipping_keeps_direction_and_caps_the_norm(rng):
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    clipped, before = clip_by_global_norm(grads, max_norm=0.5)
    assert before == pytest.approx(global_norm(grads))
    assert global_norm(clipped) == pytest.approx(0.5)
    scale = clipped[0] / grads[0]
    np.testing.assert_allclose(scale, scale.flat[0])
    np.testing.assert_allclose(clipped[1] / grads[1], scale.flat[0])


def test_small_gradients_are_not_changed(rng):
    grads = [0.01 * rng.normal(size=3)]
    clipped, _ = clip_by_global_norm(grads, max_norm=10.0)
    np.testing.assert_array_equal(clipped[0], grads[0])


def test_clip_rejects_non_positive_norm():
    with pytest.raises(ValueError, match=r"max_norm must be a finite number in \(0, inf\)"):
        clip_by_global_norm([np.ones(2)], 0.0)


def test_first_adam_step_moves_each_weight_by_lr():
    # with bias correction, step 1 is lr * g / |g| for every entry
    p = np.array([1.0, -2.0, 3.0])
    opt = Adam([p], lr=0.1)
    opt.step([np.array([0.5, -7.0, 1e-3])])
    np.testing.assert_allclose(p, [0.9, -1.9, 2.9], atol=1e-4)


def test_adam_minimises_a_quadratic():
    target = np.array([3.0, -1.0])
    p = np.zeros(2)
    opt = Adam([p], lr=0.05)
    for _ in range(1000):
        opt.step([2 * (p - target)])
    np.testing.assert_allclose(p, target, atol=1e-3)


def test_sgd_step_and_reported_norm():
    p = np.array([1.0, 1.0])
    opt = SGD([p], lr=0.5, clip_norm=1.0)
    norm = opt.step([np.array([3.0, 4.0])])
    assert norm == pytest.approx(5.0)
    np.testing.assert_allclose(p, [1 - 0.5 * 0.6, 1 - 0.5 * 0.8])


def test_optimizer_checks_gradient_shapes():
    opt = Adam([np.zeros((2, 3))])
    with pytest.raises(ValueError, match=r"gradient 0 has shape \(3, 2\) but its parameter has shape \(2, 3\)"):
        opt.step([np.zeros((3, 2))])
    with pytest.raises(ValueError, match="expected 1 gradients"):
        opt.step([np.zeros((2, 3)), np.zeros(1)])
