"""`make test-cores` runs the library tests with OPENBLAS_CORETYPE set; this makes sure it took effect."""
import os

import numpy as np
import pytest

# What OpenBLAS (0.3.2x-0.3.3x, as numpy's wheels bundle it) reports for a kernel asked for by
# name: Prescott's kernels are named after the oldest core sharing them, and Zen runs Haswell's.
REPORTED_AS = {"prescott": {"prescott", "katmai"}, "zen": {"zen", "haswell"}}


def openblas_architectures():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    np.ones((2, 2)) @ np.ones((2, 2))  # make sure numpy's BLAS is loaded
    infos = threadpoolctl.threadpool_info()
    return {i.get("architecture", "").lower() for i in infos if i.get("internal_api") == "openblas"}


@pytest.mark.skipif("OPENBLAS_CORETYPE" not in os.environ, reason="no OpenBLAS kernel asked for")
def test_the_kernel_asked_for_is_the_one_in_use():
    architectures = openblas_architectures()
    if not architectures:
        pytest.skip("numpy does not use OpenBLAS here")
    asked = os.environ["OPENBLAS_CORETYPE"].lower()
    assert architectures & REPORTED_AS.get(asked, {asked}), f"asked for {asked}, OpenBLAS runs {architectures}"
