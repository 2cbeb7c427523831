"""The findings model: the sentence ranker's weights and the effect classifier's, learnt with
scikit-learn, saved with skops, and applied as plain dictionaries of weights (a few features
per sentence: a dot product in Python beats a call into scikit-learn per sentence)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from zipfile import BadZipFile

import skops.io as sio
from litwatch.classifiers.findings.confidence import calibrated_confidence
from litwatch.classifiers.model_archive import load_archive
from litwatch.core.errors import ConfigError
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
    # confidence feature -> weight of the logistic that makes a call's confidence the chance it
    # is right (`confidence.py`); empty in models trained before it: the raw vote share.
    calibration: dict[str, float] = field(default_factory=dict)

    @cached_property
    def weights_digest(self) -> str:
        """A digest of the weights: two models that read alike have the same one."""
        # The calibration changes only confidences, but stored confidences too go stale with it.
        weights = json.dumps([self.ranking, self.effect, self.calibration], sort_keys=True)
        return hashlib.sha256(weights.encode("utf-8")).hexdigest()

    def effect_scores(self, features: dict[str, float]) -> dict[str, float]:
        """A linear score per label."""
        return {
            label: sum(weights.get(name, 0.0) * value for name, value in features.items())
            for label, weights in self.effect.items()
        }

    def confidence(self, features: dict[str, float]) -> float:
        """The chance that a call with these confidence features is right."""
        return calibrated_confidence(self.calibration, features)


def save_model(model: FindingsModel, path: Path) -> None:
    """Write the weights with skops (a format that cannot run code on load)."""
    with replace_file(Path(path)) as handle:
        sio.dump(
            {
                "ranking": model.ranking,
                "effect": model.effect,
                "card": model.card,
                "calibration": model.calibration,
            },
            handle,
            compression=8,
        )


def load_model(path: Path) -> FindingsModel:
    """Read a model written by `save_model`, trusting only the types in TRUSTED_TYPES; a file
    too big, or with other types, is one ConfigError (see `model_archive`), a missing one
    FileNotFoundError (the caller names the setting)."""
    bundle = load_archive(Path(path), TRUSTED_TYPES, "findings model")
    try:
        return FindingsModel(
            {str(k): float(v) for k, v in bundle["ranking"].items()},
            {
                str(label): {str(k): float(v) for k, v in weights.items()}
                for label, weights in bundle["effect"].items()
            },
            dict(bundle["card"]),
            {str(k): float(v) for k, v in bundle.get("calibration", {}).items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        reason = f"{type(error).__name__}: {' '.join(str(error).split())[:200]}"
        raise ConfigError(f"findings model {path}: not a findings model ({reason})") from None


@cache
def shipped_model() -> FindingsModel:
    """The model shipped in classifiers/models, read once per process."""
    return load_model(MODEL_PATH)


def findings_model_at(path: Path | None) -> FindingsModel:
    """The model the LITWATCH_FINDINGS_MODEL setting names (None: the shipped one), read once
    per process; a missing or unreadable file is a ConfigError naming it."""
    return shipped_model() if path is None else _named_model(Path(path).resolve())


@cache
def _named_model(path: Path) -> FindingsModel:
    try:
        return load_model(path)
    except FileNotFoundError:
        raise ConfigError(
            f"findings model {path}: no such file (LITWATCH_FINDINGS_MODEL)"
        ) from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, BadZipFile) as error:
        reason = " ".join(str(error).split())[:200] or type(error).__name__
        raise ConfigError(f"findings model {path}: cannot be read ({reason})") from None
