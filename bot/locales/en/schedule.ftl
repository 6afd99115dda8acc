# The team's schedule and route (Art. 13, issue 10)
schedule-button-plan = Plan the inspection schedule
schedule-title = [{ $code }] Team { $team } schedule (version { $version } · { $state })
schedule-state-draft = draft, not sent
schedule-state-sent = waiting for the members
schedule-state-fixed = fixed
schedule-state-superseded = replaced by a newer version
schedule-leader = Leader: { $name }
schedule-start = Starting from: { $label }
schedule-start-office = the lead department's office
schedule-start-shared = the leader's shared location
schedule-day = { $day } ({ $weekday }) leave { $time } · { $count } visits · about { $km } km · about { $minutes } min driving
schedule-stop = { "  " }{ $n }. { $name } ({ $address })
schedule-total = In all { $days } days · { $count } visits · about { $km } km
schedule-flags = Before sending, note:
schedule-flag-two-teams = · { $day } { $name } is also out with team { $other } that day
schedule-flag-peak-month = · { $day } { $name } is in its peak business season
schedule-flag-no-location = · { $name } has no coordinates; visited last that day
schedule-answers = Answers ({ $done }/{ $total }):
schedule-answer-pending = · { $name } ({ $department }) has not answered
schedule-answer-confirmed = · { $name } ({ $department }) confirmed
schedule-answer-refused = · { $name } ({ $department }) cannot take part: { $reason }
schedule-answer-unbound = (not on the bot yet)
schedule-none = Team { $team } has no schedule yet.
weekday-0 = Mon
weekday-1 = Tue
weekday-2 = Wed
weekday-3 = Thu
weekday-4 = Fri
weekday-5 = Sat
weekday-6 = Sun

# buttons
schedule-btn-send = 📤 Send to the team
schedule-btn-dates = 📅 Change dates
schedule-btn-subjects = 🔀 Move a subject
schedule-btn-time = ⏰ Start time
schedule-btn-location = 📍 Start from my location
schedule-btn-revise = ✏️ Revise (new version)
schedule-btn-confirm = ✅ Confirm
schedule-btn-refuse = ❌ Cannot take part
schedule-btn-back = « Back to the schedule
schedule-btn-venues = 📍 { $day } places
schedule-btn-earlier = ⬆️ One place earlier
schedule-btn-amap = Amap navigation
schedule-btn-baidu = Baidu navigation

schedule-btn-remind = 🔔 Remind who has not answered

# the leader's flow
schedule-pick-day = Which day?
schedule-pick-new-date = Move { $day } to which day? (working days of the window only)
schedule-pick-subject = Which subject?
schedule-subject-actions = { $name }: one place earlier, or to another day (working days of the window only):
schedule-pick-time-day = The start time of which day?
schedule-pick-time = When does the team leave on { $day }?
schedule-ask-location = Tap the button below to send your location; the schedule will start from there.
schedule-location-button = 📍 Send my location
schedule-sent = Schedule (version { $version }) sent to { $count } members.
schedule-sent-unbound = These members are not on the bot yet; tell them another way: { $names }
schedule-refused-to-leader = { $name } cannot take part in version { $version }: { $reason }
    Revise the schedule (new version); the members will confirm again.
schedule-fixed-all = [{ $code }] Team { $team } schedule (version { $version }) is fixed: every member confirmed.

schedule-reminded = Sent again to { $count } members who have not answered.

# the members
schedule-to-member = Your leader { $leader } sent the inspection schedule; please confirm:
schedule-ask-reason = Please reply with the reason you cannot take part (it goes to the leader):
schedule-confirmed-thanks = You confirmed version { $version }.
schedule-refused-thanks = The leader has been told you cannot take part in version { $version }: { $reason }
schedule-waiting-reason = Waiting for the reason you cannot take part.

# refusals (services/schedule.py)
schedule-not-leader = Only the team's leader plans, changes or sends its schedule.
schedule-not-member = You are not a member of this team (or were replaced); nothing to confirm.
schedule-stale = This is version { $version } of the schedule; version { $current } replaced it. Nothing changed.
schedule-wrong-state = The schedule's state does not allow this.
schedule-use-revise = The schedule was sent; use "Revise (new version)".
schedule-not-draft = The schedule was sent and cannot be changed directly; use "Revise (new version)".
schedule-not-sent = The schedule has not been sent yet.
schedule-already-answered = You already answered version { $version }. Nothing changed.
schedule-reason-required = Please give the reason you cannot take part.
schedule-reason-too-long = The reason can have at most { $limit } characters.
schedule-no-office = The lead department ({ $department }) has no office coordinates yet; share your location as the starting point.
schedule-no-subjects = Team { $team } has no subjects.
schedule-window-too-short = The window has only { $days } working days at most { $per_day } visits a day: { $subjects } subjects do not fit.
schedule-max-per-day = Visits a day must be between 1 and 20 (got { $value }).
schedule-outside-window = { $day } is outside the inspection window ({ $start } to { $end }).
schedule-day-past = { $day } has passed; pick a later day.
schedule-not-working-day = { $day } is not a working day.
schedule-day-full = { $day } already has { $per_day } visits, the daily maximum.
schedule-day-taken = { $day } is already planned; pick another day.
schedule-day-not-found = The schedule has no { $day }.
schedule-stop-not-found = The schedule has no such subject.
schedule-bad-order = The order of { $day } must list every subject of that day once.
schedule-bad-time = The start time { $time } is not between 06:00 and 20:00.
schedule-bad-coordinates = Invalid coordinates (latitude { $lat }, longitude { $lon }).
schedule-not-found = No such schedule.
schedule-team-not-found = No such team ({ $id }).

# CLI
cli-schedule-office-set = Office of { $department } set: { $lat }, { $lon }
cli-schedule-max-set = Task { $task }: at most { $count } visits per team per day
schedule-department-not-found = No department "{ $code }".
