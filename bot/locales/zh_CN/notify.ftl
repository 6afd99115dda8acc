## issue 8 item 6, issue 12: reminders, escalation, digest, progress
notify-open-task-button = 打开任务
notify-open-schedule-button = 打开日程
notify-review-pending = 【提醒】该任务已等待会审 { $days } 个工作日。
notify-draw_due =
    【提醒】任务【{ $code }】{ $name }：{ $department }尚未抽取检查人员。
    检查 { $start } 开始，距今不足 { $days } 个工作日。
notify-schedule_due =
    【提醒】任务【{ $code }】第 { $team } 组尚未提出检查日程。
    检查 { $start } 开始，距今不足 { $days } 个工作日。
notify-confirm_due = 【提醒】请确认任务【{ $code }】第 { $team } 组的检查日程。
notify-confirm_late = 【提醒】{ $member } 尚未确认任务【{ $code }】第 { $team } 组的检查日程。
notify-inspection_tomorrow = 【明日检查】任务【{ $code }】第 { $team } 组 { $day } { $time } 出发，共 { $count } 家：
notify-results_due = 【提醒】任务【{ $code }】第 { $team } 组的检查结果须于 { $due } 前提交（还有 { $days } 个工作日，第十六条）。
notify-results_due-today = 【提醒】任务【{ $code }】第 { $team } 组的检查结果今天（{ $due }）到期（第十六条）。
notify-results_overdue = 【逾期】任务【{ $code }】第 { $team } 组的检查结果已于 { $due } 到期，已逾期 { $days } 个工作日。
notify-overdue_escalation =
    【逾期督办】任务【{ $code }】{ $name } 第 { $team } 组的检查结果已逾期 { $days } 个工作日（到期 { $due }）。
    组长：{ $leader }（{ $department }）
notify-plan_missing = 【年度计划】{ $year } 年度计划：{ $count } 个部门尚未报送（截止 { $deadline }）：{ $departments }
notify-plan_approval = 【年度计划】{ $year } 年度计划（{ $entries } 项）须于 { $deadline } 前批准（第十一条）。
digest-title = 【每日督办】{ $day }
digest-department = { $department }：逾期 { $overdue }，本周到期 { $due }
digest-overdue-line =   · 逾期【{ $code }】第 { $team } 组，到期 { $due }，逾期 { $days } 个工作日
digest-due-line =   · 本周到期【{ $code }】第 { $team } 组，{ $due }
digest-nothing = 没有逾期或本周到期的事项。
overdue-title = 逾期事项 { $count } 项：
overdue-none = 目前没有逾期事项。
overdue-not-allowed = 只有督查人员、组织部门和部门管理员可以查看逾期事项。
overdue-button = 【{ $code }】第 { $team } 组
progress-title = 【工作进度】（第二十二条）
progress-line = { $department }：任务 { $tasks }，抽取对象 { $drawn }，已检查 { $visited }，有结果 { $results }（按时 { $on_time }，逾期 { $late }），移送未结 { $referrals }
progress-pending-records = “—”：检查记录和结果功能上线后统计。
progress-chart-title = 各部门工作进度
progress-tasks = 任务
progress-drawn = 抽取对象
progress-visited = 已检查
progress-with-result = 有结果

bot-cmd-progress = 工作进度（第二十二条）
bot-cmd-overdue = 逾期未录入结果
bot-help-progress = /progress：各部门工作进度（任务、抽取对象、检查、结果按时与逾期、移送），附图表。
bot-help-overdue = /overdue：逾期未录入检查结果的检查小组，每项一个按钮。
notify-record_missing = 【提醒】任务【{ $code }】第 { $team } 组今天（{ $day }）检查的「{ $subject }」，本部门（{ $department }）的检查记录尚未提交，请在今天提交。
notify-correction_due = 【整改到期】任务【{ $code }】第 { $team } 组对「{ $subject }」责令改正的期限 { $due } 已到（{ $department }），请跟踪整改情况。
notify-btn-record = 📝 填写检查记录
