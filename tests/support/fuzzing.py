"""What the property-based fuzz tests share: a derandomized Hypothesis profile with a fixed
example budget (FUZZ_EXAMPLES raises it for a longer search), and the check that an input gave
results or one litwatch error line within a memory bound."""

from __future__ import annotations

import os
import tracemalloc

from hypothesis import HealthCheck, settings
from litwatch.core.errors import LitwatchError

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
PEAK_BYTES = 32 * 2**20  # Python objects per input: inputs are at most a few KB
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=2000,  # ms per input, far above the milliseconds each takes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)


def within_bounds(read) -> list:
    """`read()` as a list, or [] for a litwatch error; its peak Python memory is checked."""
    tracemalloc.start()
    try:
        return list(read())
    except LitwatchError as error:
        message = str(error)
        assert message and "\n" not in message, message  # one line for the user
        return []
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < PEAK_BYTES, peak
