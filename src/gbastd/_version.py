"""The version of gbastd: a leaf module, so that reading it imports nothing else."""

__version__ = "1.0.0"
