"""匠心 desktop client: offline registry for Lianyungang's subsidised skills training."""

__version__ = "0.1.0"
