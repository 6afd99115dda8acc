## Private chats only, content the bot cannot read, stale buttons (issue 9 items 10-12, 20)

bot-private-only = 为保护检查信息，本机器人只在私聊中使用，请直接私聊我。
bot-cannot-read = 我目前只能读懂文字命令，照片、文件和位置暂不受理。发送 /help 查看我能做什么。
bot-stale-button = 这个按钮已失效。请发送 /tasks 或 /start 重新打开。
