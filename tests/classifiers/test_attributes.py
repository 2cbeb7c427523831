"""read_attributes over real on-topic records, and the JSON shape it joins `litwatch classify` output with."""

from __future__ import annotations

import json

from default_judge import default_attributes


def _listed(cell: str) -> set[str]:
    return {part for part in cell.split(";") if part and part != "none"}


def test_attribute_json_has_the_agreed_shape(ontopic_records):
    payload = default_attributes(ontopic_records["99000002"]).to_json()
    assert json.loads(json.dumps(payload)) == payload
    assert payload["forms"] == ["methylcobalamin"]
    assert payload["routes"] == ["oral"]
    assert payload["daily_dose"] == 1000
    assert payload["dose_unit"] == "µg"
    assert payload["comparator"] == "placebo"
    assert payload["n_participants"] == 90
    assert payload["follow_up_weeks"] == 52
    assert {"metformin-users", "b12-measured"} <= set(payload["populations"])
    # the watch's outcome domains it measures
    assert {"quality-of-life", "nerve-conduction", "pain"} <= set(payload["outcomes"])
    assert payload["evidence"]["daily_dose"] == "1000 ug daily"
    assert payload["evidence"]["n_participants"] == "90 people"


def test_a_metformin_dose_is_not_read_as_a_b12_dose(ontopic_records):
    attributes = default_attributes(ontopic_records["20488910"])
    assert attributes.daily_dose is None
    assert attributes.forms == ()


def test_labelled_attributes_meet_the_acceptance_bar(ontopic_records, ontopic_labels):
    read = {pmid: default_attributes(record) for pmid, record in ontopic_records.items()}
    stated = [p for p, row in ontopic_labels.items() if row["n_participants"]]
    exact = sum(read[p].n_participants == int(ontopic_labels[p]["n_participants"]) for p in stated)
    assert exact >= 0.9 * len(stated)
    stated = [p for p, row in ontopic_labels.items() if row["follow_up_weeks"]]
    close = sum(
        read[p].follow_up_weeks is not None
        and abs(read[p].follow_up_weeks - float(ontopic_labels[p]["follow_up_weeks"]))
        <= 0.1 * float(ontopic_labels[p]["follow_up_weeks"])
        for p in stated
    )
    assert close >= 0.9 * len(stated)
    for field, column in (("forms", "formulations"), ("routes", "routes")):
        same = sum(
            set(getattr(read[p], field)) == _listed(row[column])
            for p, row in ontopic_labels.items()
        )
        assert same >= 0.9 * len(ontopic_labels), field
