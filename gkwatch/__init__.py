"""gkwatch (政务公开监测): a compliance monitor for Chinese government information disclosure."""

__version__ = "0.1.0"
