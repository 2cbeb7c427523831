"""Saving and loading the design model with skops, a format that cannot run code on load,
trusting only the types listed here."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import skops.io as sio
from litwatch.classifiers.design.calibration import Calibration
from litwatch.classifiers.design.model import DesignModel
from litwatch.classifiers.model_archive import load_archive
from litwatch.core.files import replace_file
from sklearn.feature_extraction.text import TfidfVectorizer

# Everything a saved model may contain beyond skops' defaults; loading refuses anything else.
TRUSTED_TYPES = [
    "builtins.float",
    "numpy.dtype",
    "numpy.float32",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.svm._classes.LinearSVC",
]


def save_model(model: DesignModel, path: Path) -> None:
    """Write the model with skops (a format that cannot run code on load)."""
    bundle = {
        "title_vectorizer": _without_vocabulary(model.title_vectorizer),
        "title_terms": _terms(model.title_vectorizer),
        "text_vectorizer": _without_vocabulary(model.text_vectorizer),
        "text_terms": _terms(model.text_vectorizer),
        "classifier": model.classifier,
        "rule_precision": model.rule_precision,
        "card": model.card,
        "calibration": model.calibration.to_json() if model.calibration else {},
    }
    with replace_file(Path(path)) as handle:
        sio.dump(bundle, handle, compression=8)


def load_model(path: Path) -> DesignModel:
    """Read a model written by `save_model`, trusting only the types listed in TRUSTED_TYPES;
    an archive too big, or with other types, is one ConfigError (see `model_archive`)."""
    bundle = load_archive(Path(path), TRUSTED_TYPES, "design model")
    return DesignModel(
        _with_vocabulary(bundle["title_vectorizer"], bundle["title_terms"]),
        _with_vocabulary(bundle["text_vectorizer"], bundle["text_terms"]),
        bundle["classifier"],
        dict(bundle["rule_precision"]),
        dict(bundle["card"]),
        Calibration.from_json(bundle["calibration"]) if bundle.get("calibration") else None,
    )


# skops writes a dict entry by entry; a vocabulary of tens of thousands of n-grams goes in
# and out far faster as one array of terms in column order.
def _terms(vectorizer: TfidfVectorizer) -> np.ndarray:
    return np.array(vectorizer.get_feature_names_out().tolist(), dtype=str)


def _without_vocabulary(vectorizer: TfidfVectorizer) -> TfidfVectorizer:
    stripped = copy.copy(vectorizer)
    del stripped.vocabulary_
    return stripped


def _with_vocabulary(vectorizer: TfidfVectorizer, terms: np.ndarray) -> TfidfVectorizer:
    vectorizer.vocabulary_ = {term: index for index, term in enumerate(terms.tolist())}
    return vectorizer
