"""The core: plain data types shared by every room (records, classifications, digests, errors).

Imports nothing else of litwatch."""
