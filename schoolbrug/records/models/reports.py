"""Models of the pupil file; see the package docstring."""
