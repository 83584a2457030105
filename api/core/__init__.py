"""Settings, security and the exception-to-status table of the API."""
