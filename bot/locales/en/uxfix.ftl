## Private chats only, content the bot cannot read, stale buttons (issue 9 items 10-12, 20)

bot-private-only = To keep inspections confidential this bot works in private chats only — please message me directly.
bot-cannot-read = I cannot read this kind of message. Send photos, files and locations after opening a check record with /record; send /help to see what I can do.
bot-stale-button = This button is no longer valid. Send /tasks or /start to open it again.

bot-help-intro = jointcheck supports joint "double random, one public" inspections.
bot-help-tasks = /tasks: the tasks you were drawn for, the items with their guidance, your team and the subjects.
bot-help-review = /review: review your department's pending joint tasks (approve, or return with a comment).
bot-help-cancel = /cancel: cancel what you are doing.
bot-help-accounts = To link or unlink your account, ask your department's administrator.
bot-leads-team = You lead team { $team } of task { $code } "{ $name }".

task-deadline-check_finished = Check finished: { $date }
task-deadline-results_due = Results due: { $date } (within { $days } working days)

## Domain values in words (bot/labels.py), for the bot and the CLI
label-sample-ratio = class { $risk } { $ratio }
label-sample-count = class { $risk } { $count }
label-scope-kinds = kinds: { $values }
label-scope-industries = industries: { $values }
label-scope-districts = districts: { $values }
label-scope-risk_classes = risk classes: { $values }
label-scope-all = all subjects
label-action-submit = submit for review
label-action-approve = approve
label-action-return = return
label-action-reopen = reopen
label-action-draw-subjects = draw subjects
label-action-draw-inspectors = draw inspectors
label-action-form-teams = form teams
label-action-start = start the checks
label-action-finish = finish the checks
label-action-publish = publish the results
label-action-archive = archive

## The review card (会审) with everything a reviewer needs
review-card-full =
    [Review] { $code } { $name }
    Round { $round } · Department: { $department }
    Window: { $start } to { $end }
    Items: { $items }
    Scope: { $scope }
    Sample: { $sample }
    Teams: { $teams }, each with { $members }
review-card-members = { $department } { $count }
review-card-returned = Returned last round by { $department }: { $comment }
review-card-changed = Changed since: { $fields }
review-card-unchanged = Nothing was changed after the last return.
review-round-over = Review round { $round } is over (round { $current } is current); this button no longer works. Send /review for the current tasks.
review-field-name = name
review-field-departments = departments
review-field-items = items
review-field-window_start = start date
review-field-window_end = end date
review-field-team_count = number of teams
review-field-members_per_team = members per team
review-field-sample = sample
review-field-scope = scope
review-field-needs_experts = experts needed
review-field-experts_per_team = experts per team
review-field-lead_department = lead department

cli-col-inspector = Inspector id (--person)

## Task dates (task advance start / finish) and publishing (issue 9 item 17)
task-day-in-future = { $day } has not come yet (today is { $today }): starting and finishing the checks can only be recorded for today or an earlier day.
task-start-before-window = Task { $code }'s window starts on { $start }; the checks cannot start on { $day }.
task-start-after-window = Task { $code }'s window ends on { $end }; the checks cannot start as late as { $day }.
task-finished-before-start = The check cannot finish on { $day }, before task { $code }'s checks started on { $started }.
task-publish-no-results = Task { $code } has no results yet: publishing needs the result of every subject's check, and no result has been recorded, so it cannot be published.
task-deadline-check_started = Checks started: { $date }
label-count = { $what } { $n }
label-risk-class = class { $risk }
label-exclusion-inactive = not active
label-exclusion-already-in-task = already in this task
label-exclusion-no-certificate = no enforcement certificate
label-exclusion-certificate-expires-before-window-end = certificate expires before the window ends
label-exclusion-not-qualified = lacks a required qualification
label-exclusion-inspected-within = inspected within { $months } months
label-action-with-code = { $label } ({ $code })
