"""litwatch: watch PubMed, classify what is new, send a digest that updates a living evidence summary."""

__version__ = "0.1.0"
