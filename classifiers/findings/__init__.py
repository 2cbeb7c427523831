"""The findings reader: per outcome, what a record found (effect, direction, the sentence), and
each record's key finding. Entry points: `domains.read_findings`, `reader.read_effect`,
`key_finding.key_finding`."""

# Stored findings made by another reader version are redone (part of the definitions hash).
FINDINGS_VERSION = "1"
