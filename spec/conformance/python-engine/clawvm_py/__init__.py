"""clawvm_py: an independent Python implementation of ClawVM (clawvm spec 0.1.0),
written from spec/ alone. Sidecar protocol v1, decision trace v1."""

__version__ = "0.1.0"
