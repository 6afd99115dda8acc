## The bot: binding, menu, assignments, review, notifications (English)

bot-unbound = Your Telegram account is not linked to jointcheck yet. Scan the invitation QR code your administrator gave you, or open the invitation link.
invitation-unknown = This invitation is not valid. Please ask your administrator for a new one.
invitation-used = This invitation has already been used. Ask your administrator for a new one to link again.
invitation-already-yours = This invitation already linked your account ({ $name }); there is nothing more to do. Send /start for the menu.
invitation-expired = This invitation has expired. Please ask your administrator for a new one.
account-not-bound = That account has no Telegram user linked.
assignment-not-yours = You are not in a team of this task.
bot-error = Something went wrong, please try again later.
bot-throttled = Too many requests, please slow down and try again in a moment.
bot-unknown-command = There is no such command. Send /help to see what you can do.

bot-bound = You are linked! { $name } ({ $department }), welcome to jointcheck.
bot-greeting = Hello, { $name } ({ $department }).
bot-roles = Roles: { $roles }
bot-menu-title = You can use these commands:
bot-role-inspector = inspector
bot-role-dept_admin = department admin
bot-role-organiser = organiser
bot-role-supervisor = supervisor
bot-cmd-start = start / main menu
bot-cmd-help = help
bot-cmd-tasks = my inspection tasks
bot-cmd-review = tasks waiting for my department's review
bot-cmd-cancel = cancel the current action
bot-cancelled = Cancelled.
bot-nothing-to-cancel = Nothing to cancel.

bot-state-draft = draft
bot-state-in_review = in review
bot-state-approved = approved
bot-state-returned = returned
bot-state-subjects_drawn = subjects drawn
bot-state-inspectors_drawn = inspectors drawn
bot-state-teams_formed = teams formed
bot-state-in_progress = in progress
bot-state-results_due = results due
bot-state-published = published
bot-state-archived = archived

tasks-none = You have no inspection tasks at the moment.
tasks-title = My inspection tasks ({ $count }):
tasks-line = { $n }. [{ $code }] { $name }
      team { $team }{ $leader_mark } · { $start } to { $end } · { $subjects } subjects · { $state }
tasks-leader-mark = (you lead)
tasks-open-button = { $n }. { $code } details
tasks-section-overview = Overview
tasks-section-items = Items & guidance
tasks-section-subjects = Subjects
tasks-back = « Back to the list
tasks-prev = ‹ Previous
tasks-next = Next ›
tasks-page = (page { $page }/{ $pages })
task-heading = [{ $code }] { $name }
task-state = State: { $state }
task-lead = Lead department: { $lead }
task-window = Inspection window: { $start } to { $end }
task-team = Team { $team }
task-leader = Leader: { $name } ({ $department })
task-leader-pending = Leader: to be drawn by the lead department
task-members = Members:
task-member = · { $name } ({ $department }) { $mark }
task-member-leader = leader
task-member-me = you
task-member-expert = expert
task-items = Items:
task-item = { $n }. { $name } ({ $code })
task-item-basis =   Legal basis: { $basis }
task-item-checklist =   Checklist:
task-item-point =     - { $point }
task-item-methods =   Methods: { $methods }
task-item-requirements =   Requirements: { $requirements }
task-subjects = Subjects (in visiting order):
task-subjects-none = No subjects assigned yet.
task-subject = { $n }. { $name }
      { $address }{ $planned }
task-subject-planned =  (planned { $date })
task-method-onsite = on-site check
task-method-document = document review
task-method-online = online monitoring
task-method-sampling = sampling test

review-none = Your department has no task waiting for review.
review-card =
    [Review] { $code } { $name }
    Department: { $department }
    Inspection window: { $start } to { $end }
review-approve-button = ✅ Approve
review-return-button = ↩️ Return
review-approved = ✅ Approved ({ $name })
review-returned = ↩️ Returned ({ $name }): { $comment }
review-done = Already done
review-ask-comment = Please type the comment for returning [{ $code }] (send /cancel to cancel):
review-waiting-comment = Waiting for your return comment.
review-comment-empty = The comment cannot be empty; please type it again (send /cancel to cancel):
review-not-admin = Only an admin of that department can review.
review-confirm-approved = You approved [{ $code }].
review-confirm-returned = You returned [{ $code }] with the comment: { $comment }

notify-drawn =
    You were drawn for the joint inspection task [{ $code }] { $name }.
    Team: { $team }
    { $leader }
    Inspection window: { $start } to { $end }
    Send /tasks for the details.
notify-leader-known = Leader: { $name } ({ $department })
notify-leader-you = Leader: you
notify-leader-pending = Leader: you will be told once the lead department has drawn
notify-leader =
    The leader of team { $team } of task [{ $code }] is { $leader } ({ $department }).

## CLI: jointcheck invite / account
cli-invite-title = { $department } · jointcheck invitation QR codes
cli-invite-none = Nobody to invite (every active inspector of the department is linked).
cli-invite-written = QR codes and the printable sheet are in { $dir }
cli-invite-expires = valid until { $at }
cli-bot-username-missing = The bot's username is unknown: set JOINTCHECK_BOT_USERNAME, or JOINTCHECK_BOT_TOKEN so that it can be asked for.
cli-col-account = Account
cli-col-name = Name
cli-col-department = Department
cli-col-roles = Roles
cli-col-telegram = Telegram
cli-col-link = Invitation link
cli-col-expires = Valid until
cli-accounts-none = No accounts.
cli-account-revoked = Account { $id } ({ $name }) is no longer linked to Telegram.
cli-webhook-needs = Set JOINTCHECK_BOT_TOKEN, JOINTCHECK_WEBHOOK_URL and JOINTCHECK_WEBHOOK_SECRET.
