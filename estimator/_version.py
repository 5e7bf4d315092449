"""The package's version, for footers, file metadata and manifests (any layer may read it)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("social-staffing-estimator")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
