## issue 8 item 6, issue 12: reminders, escalation, digest, progress
notify-open-task-button = Open the task
notify-open-schedule-button = Open the schedule
notify-review-pending = Reminder: this task has waited { $days } working days for your review.
notify-draw_due =
    Reminder: task [{ $code }] { $name }: { $department } has not drawn its inspectors.
    The inspection starts { $start }, less than { $days } working days from now.
notify-schedule_due =
    Reminder: team { $team } of task [{ $code }] has no schedule proposed yet.
    The inspection starts { $start }, less than { $days } working days from now.
notify-confirm_due = Reminder: please confirm the schedule of team { $team } of task [{ $code }].
notify-confirm_late = Reminder: { $member } has not confirmed the schedule of team { $team } of task [{ $code }].
notify-inspection_tomorrow = Inspection tomorrow: task [{ $code }] team { $team }, { $day } from { $time }, { $count } stops:
notify-results_due = Reminder: the results of team { $team } of task [{ $code }] are due by { $due } ({ $days } working days left, Art. 16).
notify-results_due-today = Reminder: the results of team { $team } of task [{ $code }] are due today ({ $due }, Art. 16).
notify-results_overdue = Overdue: the results of team { $team } of task [{ $code }] were due { $due }, { $days } working days ago.
notify-overdue_escalation =
    Overdue: the results of team { $team } of task [{ $code }] { $name } are { $days } working days late (due { $due }).
    Leader: { $leader } ({ $department })
notify-plan_missing = Annual plan { $year }: { $count } departments have not submitted (deadline { $deadline }): { $departments }
notify-plan_approval = Annual plan { $year } ({ $entries } entries) must be approved by { $deadline } (Art. 11).
digest-title = Daily digest, { $day }
digest-department = { $department }: { $overdue } overdue, { $due } due this week
digest-overdue-line =   · overdue [{ $code }] team { $team }, due { $due }, { $days } working days late
digest-due-line =   · due this week [{ $code }] team { $team }, { $due }
digest-nothing = Nothing overdue or due this week.
overdue-title = { $count } overdue:
overdue-none = Nothing is overdue.
overdue-not-allowed = Only supervisors, the organiser and department admins can see what is overdue.
overdue-button = [{ $code }] team { $team }
progress-title = Progress (Art. 22)
progress-line = { $department }: tasks { $tasks }, subjects drawn { $drawn }, visited { $visited }, with a result { $results } (on time { $on_time }, late { $late }), referrals open { $referrals }
progress-pending-records = "—": counted once check records and results are recorded.
progress-chart-title = Progress per department
progress-tasks = Tasks
progress-drawn = Subjects drawn
progress-visited = Visited
progress-with-result = With a result

bot-cmd-progress = Progress (Art. 22)
bot-cmd-overdue = Late results
bot-help-progress = /progress: each department's progress (tasks, subjects drawn, visited, results on time and late, referrals), with a chart.
bot-help-overdue = /overdue: the teams whose results are late, with a button each.
notify-record_missing = Reminder: task [{ $code }] team { $team } visited "{ $subject }" today ({ $day }) and your department's ({ $department }) check record is not submitted yet; please submit it today.
notify-correction_due = Correction due: the correction ordered for "{ $subject }" (task [{ $code }], team { $team }) was due by { $due } ({ $department }); please follow up.
notify-btn-record = 📝 Fill in the record
