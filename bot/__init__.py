"""Assembly and entry points: configuration, the Bot and Dispatcher factory, the CLI."""
