"""Assembly and entry points: configuration, the Bot and Dispatcher factory, middlewares, the CLI."""
