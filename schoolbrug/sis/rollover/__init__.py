"""School-year rollover: next year's groups proposed from this year's, adjusted and applied at once."""
