"""The order and names a digest shows designs in, over the core's design vocabulary."""

from litwatch.core.classification import DESIGN_LABELS
from litwatch.outputs.order import DESIGNS, READER_NAMES, design_label


def test_every_design_label_has_a_reader_name_and_a_place_in_the_reading_order():
    assert set(READER_NAMES) == set(DESIGN_LABELS)
    assert sorted(DESIGNS) == sorted(DESIGN_LABELS)
    assert DESIGNS[:3] == ("meta-analysis", "systematic-review", "rct")


def test_a_label_outside_the_vocabulary_is_still_named_not_dropped():
    assert design_label("rct") == "RCT"
    assert design_label("mendelian-randomization") == "Mendelian randomization"
