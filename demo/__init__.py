"""The demo: synthetic Ezhou directories, the demo workflow and the sandbox's cast."""
