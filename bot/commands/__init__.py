"""CLI commands, one module per feature; each exposes ``register(app)``."""
