"""partnerjournal: a daily coaching journal for becoming a trusted internal partner."""

__version__ = "0.1.0"
