"""The synthetic data generator of the demo, the tests and the validation runs."""
