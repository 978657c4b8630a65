"""glassnet._memory: the flat vectors start on a cache-line boundary."""

import numpy as np
import pytest

from glassnet import Dense, Network, _memory
from glassnet.optimizers import Adam


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n", [0, 1, 7, 1000, 65537])
def test_zeros_are_aligned_zeros_of_the_dtype(n, dtype):
    for _ in range(5):                                   # whatever the allocator hands out
        a = _memory.zeros(n, dtype)
        assert a.shape == (n,) and a.dtype == dtype and a.flags.c_contiguous and a.flags.writeable
        assert (n == 0 or a.ctypes.data % _memory.ALIGN == 0) and not a.any()


def test_parameters_gradients_and_adam_state_are_aligned():
    net = Network([Dense(5, "relu"), Dense(3, "softmax")], loss="categorical_crossentropy", input_shape=4,
                  dtype="float32", seed=0)
    opt = Adam()
    net.fit(np.ones((8, 4)), np.arange(8) % 3, epochs=1, batch_size=8, optimizer=opt, verbose=0)
    arrays = [net.flat_params, net.flat_grads, *opt.state[0].values(), *opt._scratch]
    assert all(a.ctypes.data % 64 == 0 for a in arrays)
