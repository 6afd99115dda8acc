"""The public draw verifier: one standard-library file anyone can run on a bundle."""
