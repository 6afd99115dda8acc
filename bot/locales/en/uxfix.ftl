## Private chats only, content the bot cannot read, stale buttons (issue 9 items 10-12, 20)

bot-private-only = To keep inspections confidential this bot works in private chats only — please message me directly.
bot-cannot-read = I can only read text commands for now; photos, files and locations are not taken. Send /help to see what I can do.
bot-stale-button = This button is no longer valid. Send /tasks or /start to open it again.
