"""Attribute readers: small pure functions of title-and-abstract text, each returning a value and the span that supports it."""
