## Private chats only, content the bot cannot read, stale buttons (issue 9 items 10-12, 20)

bot-private-only = To keep inspections confidential this bot works in private chats only — please message me directly.
bot-cannot-read = I can only read text commands for now; photos, files and locations are not taken. Send /help to see what I can do.
bot-stale-button = This button is no longer valid. Send /tasks or /start to open it again.

bot-help-intro = jointcheck supports joint "double random, one public" inspections.
bot-help-tasks = /tasks: the tasks you were drawn for, the items with their guidance, your team and the subjects.
bot-help-review = /review: review your department's pending joint tasks (approve, or return with a comment).
bot-help-cancel = /cancel: cancel what you are doing.
bot-help-accounts = To link or unlink your account, ask your department's administrator.
bot-leads-team = You lead team { $team } of task { $code } "{ $name }".

task-deadline-check_finished = Check finished: { $date }
task-deadline-results_due = Results due: { $date } (within { $days } working days)
