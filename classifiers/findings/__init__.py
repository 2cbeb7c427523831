"""What a record found: the effect per outcome (`reader.read_effect`), the findings per outcome
domain of a watch (`domains.read_findings`) and the key finding (`key_finding.key_finding`).

Pure functions over a `Record`; the abstract is read once (`text.read_abstract`) and the
`*_in` variants take it already read, for callers that ask several questions of one record."""

# Stored findings made by another reader version are redone (part of the definitions hash).
# 6: association questions answered; 7: confidences are the calibrated chance a call is right
# (issue #22), not the vote share; 9: a verdict ("improved") read through whether lower is
# better, and "reduced more" as one reduction; 10: sentence-wide cues without other outcomes'
# clauses, and the model retrained (C by the one-standard-error rule); 11: where only the arms'
# values say which way and the difference is called significant, the values decide; in a list
# of outcomes, the p-value right after the outcome's mention is its own (the calibration
# refitted); 12: each finding says whether its sentence reports a statistical test, a value for
# each arm side by side is a comparison between them, where two domains' outcome names overlap
# the longer one names the outcome, "(XYZ group)" names an arm, changes keep their signs, a
# review's vote count follows its majority, and a denial "for any outcome" reads for each.
FINDINGS_VERSION = "12"
