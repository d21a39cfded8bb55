"""ECER: Energy Conservation & Emission Reduction (节能减排) target-system platform."""

__version__ = "0.1.0"
