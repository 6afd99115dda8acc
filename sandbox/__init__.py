"""The sandbox: a Telegram Bot API emulator with a control API and a browser chat page."""
