"""graphkb: a knowledge graph of API tools that synthesizes multi-turn tool-calling data."""

__version__ = "0.1.0"
