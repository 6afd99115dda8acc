## Private chats only, content the bot cannot read, stale buttons (issue 9 items 10-12, 20)

bot-private-only = 为保护检查信息，本机器人只在私聊中使用，请直接私聊我。
bot-cannot-read = 我目前只能读懂文字命令，照片、文件和位置暂不受理。发送 /help 查看我能做什么。
bot-stale-button = 这个按钮已失效。请发送 /tasks 或 /start 重新打开。

bot-help-intro = jointcheck 协助部门联合“双随机、一公开”抽查。
bot-help-tasks = /tasks：查看抽中您的任务、检查事项及工作指引、小组成员和检查对象。
bot-help-review = /review：会审本部门待审的联合抽查任务（通过或退回并填写意见）。
bot-help-cancel = /cancel：取消正在进行的操作。
bot-help-accounts = 账号绑定、解绑请联系本部门管理员。
bot-leads-team = 您是任务【{ $code }】{ $name }第 { $team } 组的组长。

task-deadline-check_finished = 检查完成日期：{ $date }
task-deadline-results_due = 结果录入截止：{ $date }（{ $days } 个工作日内）
