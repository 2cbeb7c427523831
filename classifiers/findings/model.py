"""The findings model: the sentence ranker's weights and the effect classifier's, learnt with
scikit-learn, saved with skops, and applied as plain dictionaries of weights (a few features
per sentence: a dot product in Python beats a call into scikit-learn per sentence)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import skops.io as sio
from litwatch.core.files import replace_file

MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "findings.skops"
LABELS = ("increased", "decreased", "no-difference")

# Everything a saved findings model may contain beyond skops' defaults.
TRUSTED_TYPES = ["builtins.float", "builtins.str", "numpy.dtype", "numpy.float64"]


@dataclass(frozen=True)
class FindingsModel:
    ranking: dict[str, float]  # sentence feature -> weight
    effect: dict[str, dict[str, float]]  # label -> effect feature -> weight ("bias" included)
    card: dict = field(default_factory=dict)

    def effect_scores(self, features: dict[str, float]) -> dict[str, float]:
        """A linear score per label."""
        return {
            label: sum(weights.get(name, 0.0) * value for name, value in features.items())
            for label, weights in self.effect.items()
        }


def save_model(model: FindingsModel, path: Path) -> None:
    """Write the weights with skops (a format that cannot run code on load)."""
    with replace_file(Path(path)) as handle:
        sio.dump(
            {"ranking": model.ranking, "effect": model.effect, "card": model.card},
            handle,
            compression=8,
        )


def load_model(path: Path) -> FindingsModel:
    """Read a model written by `save_model`, trusting only the types in TRUSTED_TYPES."""
    bundle = sio.load(Path(path), trusted=TRUSTED_TYPES)
    return FindingsModel(
        {str(k): float(v) for k, v in bundle["ranking"].items()},
        {
            str(label): {str(k): float(v) for k, v in weights.items()}
            for label, weights in bundle["effect"].items()
        },
        dict(bundle["card"]),
    )


@cache
def shipped_model() -> FindingsModel:
    """The model shipped in classifiers/models, read once per process."""
    return load_model(MODEL_PATH)
