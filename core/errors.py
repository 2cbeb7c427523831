"""Errors litwatch reports to its users: each message is one readable line."""


class LitwatchError(Exception):
    """Base of every error litwatch reports to a user (one line, no traceback)."""


class ConfigError(LitwatchError):
    """A watch file or setting is missing or invalid; the message names file, key and problem."""


class ParseError(LitwatchError):
    """Input that is not PubMed XML or MEDLINE text, or is broken beyond reading."""


class EntrezError(LitwatchError):
    """E-utilities could not be reached or answered wrongly after every retry."""


class StoreError(LitwatchError):
    """The SQLite store refused an operation."""


class RunLockedError(StoreError):
    """Another run of the same watch holds the lock."""


class DeliveryError(LitwatchError):
    """A digest could not be delivered (SMTP refused, outbox not writable)."""
