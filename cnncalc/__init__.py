"""cnncalc: exact shapes, parameter counts and stride checks for CNNs, from one line of text."""

__version__ = "0.1.0"
