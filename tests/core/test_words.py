"""How the reader's words say a study's length."""

from __future__ import annotations

import pytest
from litwatch.core.words import length_words


@pytest.mark.parametrize(
    ("weeks", "said"),
    [
        (8, "8 weeks"),
        (26.5, "26.5 weeks"),
        (52, "52 weeks"),  # was "1 years" in the association statements
        (103, "103 weeks"),
        (104.36, "2 years"),
        (223.6, "4.3 years"),  # the HOME trial: 223.6 weeks in the study lines before
        (260, "5 years"),
    ],
)
def test_a_study_of_two_years_or_more_is_said_in_years(weeks, said):
    assert length_words(weeks) == said
