## 年度计划、联合抽查任务、会审与工作日历（services/plans.py, tasks.py, calendar.py）

# 任务状态
state-draft = 草稿
state-in_review = 会审中
state-approved = 会审通过
state-returned = 已退回
state-subjects_drawn = 已抽取检查对象
state-inspectors_drawn = 已抽取检查人员
state-teams_formed = 已组队匹配
state-in_progress = 检查中
state-results_due = 待录入结果
state-published = 已公示
state-archived = 已归档

review-decision-pending = 待审
review-decision-approved = 通过
review-decision-returned = 退回
review-decision-approve = 通过
review-decision-return = 退回

plan-status-open = 编制中
plan-status-approved = 已批准
plan-status-submitted = 已报送
plan-status-merged = 已合并
plan-status-withdrawn = 已撤销
plan-merge-reason-same-items = 抽查事项相同
plan-merge-reason-same-scope = 检查对象相同
plan-merge-reason-operator = 人工合并
plan-change-pending = 待审核
plan-change-approved = 已同意
plan-change-returned = 已退回

weekday-0 = 周一
weekday-1 = 周二
weekday-2 = 周三
weekday-3 = 周四
weekday-4 = 周五
weekday-5 = 周六
weekday-6 = 周日

# 通用输入错误
error-unknown-department = 没有这个部门：{ $code }。
error-unknown-item = 抽查事项清单（{ $year } 年）中没有这些事项：{ $code }。
cli-bad-date = 日期“{ $value }”格式不对，请写成 2027-04-01。
cli-bad-pair = “{ $value }”格式不对，应写成 { $example }。
cli-unreadable = 无法读取文件 { $path }。
scope-unknown-key = 检查范围中有不认识的项：{ $key }（只能是 districts、industries、kinds、risk_classes）。
scope-bad-risk-class = 信用风险分类只能是 A、B、C、D，不能是“{ $value }”。

# 工作日历
calendar-negative-days = 工作日天数不能为负数（{ $days }）。
calendar-bad-date = { $where }：日期“{ $value }”格式不对，请写成 2027-02-05。
calendar-bad-kind = { $where }：类型“{ $value }”不认识，请写“休”（放假）或“班”（调休上班）。
calendar-bad-json = 放假安排 JSON 文件有误：{ $reason }。
calendar-bad-range = { $where }：放假结束日 { $end } 早于开始日 { $start }。
calendar-empty-file = 放假安排文件是空的。
calendar-bad-header = 表头“{ $header }”缺少“日期”或“类型”列（date,type 也可以）。
calendar-short-row = { $where }：这一行的列数不够。
calendar-unreadable = 无法读取放假安排文件 { $path }。
calendar-year-mismatch = 文件声明的是 { $declared } 年，命令指定的是 { $given } 年。
calendar-stray-date = 日期 { $day } 不属于 { $year } 年的放假安排。
calendar-duplicate-day = { $day } 在文件中出现两次且类型不同。
calendar-weekday-workday = { $day } 是工作日（周一至周五），不能列为调休上班日；调休上班日只能是周六或周日。
cal-assumed-weekends = 注意：{ $years } 年的放假安排尚未导入，本次按“仅周末休息”计算，节假日和调休未考虑。请用 jointcheck calendar import 导入国务院办公厅的放假通知。
cal-due = 检查完成日 { $start } 之后第 { $days } 个工作日：{ $due }（{ $weekday }）。
cal-source-imported = { $year } 年：使用导入的放假安排（{ $source }）。
cal-source-package = { $year } 年：使用 chinese_calendar 内置的国务院放假安排。
cal-source-weekends-only = { $year } 年：没有放假安排数据。
cal-holidays = 工作日中的节假日 { $n } 天：
cal-swapped = 调休上班的周末 { $n } 天：
cal-imported = 已导入 { $year } 年放假安排：放假 { $holidays } 天，调休上班 { $swapped } 天。

# 年度计划（第十一条）
plan-submission-closed = { $year } 年度计划的报送已于 { $deadline } 截止（今天是 { $today }）；如需增加，请在计划批准后提出计划调整。
plan-approval-late = { $year } 年度计划应在 { $deadline } 前批准（今天是 { $today }）；逾期批准须用 --late-reason 说明原因。
plan-not-found = 还没有 { $year } 年度计划。
plan-entry-not-found = 没有编号为 { $id } 的计划条目。
plan-bad-ratio = 抽查比例“{ $value }”无效，应大于 0 且不超过 100%（例如 5% 或 0.05）。
plan-no-items = 至少要有一个抽查事项。
plan-no-title = 计划条目需要名称。
plan-bad-period = 结束日 { $end } 早于开始日 { $start }。
plan-period-outside-year = 时间安排 { $start } 至 { $end } 不在 { $year } 年内。
plan-already-approved = { $year } 年度计划已批准，只能通过计划调整（jointcheck plan change）变更。
plan-merge-needs-two = 合并至少需要两个计划条目。
plan-entry-not-mergeable = 计划条目 { $id } 的状态是“{ $status }”，不能合并。
plan-merge-lead-not-member = 牵头部门 { $department } 不在合并后的参与部门中。
plan-empty = { $year } 年度计划还没有任何待批准的条目。
plan-change-not-approved-yet = { $year } 年度计划尚未批准，可以直接报送或合并，不需要计划调整。
plan-change-needs-reason = 计划调整必须说明原因。
plan-change-bad-keys = 计划调整中有不认识的项：{ $keys }。
plan-entry-not-changeable = 计划条目 { $id } 的状态是“{ $status }”，不能调整。
plan-change-not-found = 没有编号为 { $id } 的计划调整。
plan-change-not-pending = 计划调整 { $id } 已处理（{ $status }）。
plan-change-missing = 新增计划条目缺少：{ $keys }。
plan-bad-date = 日期“{ $value }”格式不对。
review-bad-decision = 审核意见只能是 approve（通过）或 return（退回），不能是“{ $decision }”。
review-return-needs-comment = 退回时必须填写意见。

cli-plan-submitted = 已报送计划条目 { $id }（{ $year } 年度）。
cli-plan-entry = [{ $id }] { $title } — { $department } — { $status }
cli-plan-entry-detail = 事项：{ $items }；部门：{ $departments }；时间：{ $start } 至 { $end }；目标比例：{ $ratio }
cli-plan-peak = 时间安排与多数检查对象的经营高峰期重叠（{ $share }% 的对象在 { $months } 月为高峰），请考虑避开（第十一条）。
cli-plan-merged-into = 已并入条目 { $id }
cli-plan-heading = { $year } 年度部门联合抽查计划 — { $status }
cli-plan-deadlines = 报送截止：{ $submission }；批准截止：{ $approval }
cli-plan-approved-by = 批准：{ $who }，{ $at }
cli-plan-no-entries = 还没有计划条目。
cli-plan-no-merges = 没有可以合并的计划条目。
cli-plan-merge-proposal = 建议合并条目 { $ids }（{ $reason }）为一个联合条目：
cli-plan-merged = 已合并为联合条目 { $id }。
cli-plan-approved = 已批准 { $year } 年度计划，共 { $entries } 个条目。
cli-plan-change-proposed = 已提出计划调整 { $id }，审核同意后生效。
cli-plan-change-reviewed = 计划调整 { $id }：{ $status }。
cli-plan-no-changes = 没有计划调整记录。
cli-plan-change-line = [{ $id }] 条目 { $entry } — { $status } — 原因：{ $reason } — 意见：{ $comment }

# 联合抽查任务与会审（第十二条）
task-not-found = 没有任务“{ $id }”。
task-bad-state = 没有“{ $state }”这个任务状态。
task-unknown-action = 不认识的操作“{ $action }”；可以是：{ $allowed }。
task-illegal-step = 任务 { $code } 当前状态为“{ $state }”，不能执行“{ $action }”；现在可以：{ $allowed }。
task-step-by-draw = 任务 { $code } 的“{ $action }”由摇号完成时自动进行，请使用 jointcheck draw commit / complete。
task-step-by-review = 任务 { $code } 的“{ $action }”通过会审或报送进行（jointcheck task submit / review / reopen）。
task-finished-before-window = 检查完成日 { $day } 早于任务 { $code } 的检查开始日 { $start }。
task-entry-not-approved = 计划条目 { $id } 尚未批准（条目：{ $status }，计划：{ $plan }）；任务只能依据已批准的年度计划建立。
task-bad-code = 任务编号“{ $code }”只能包含字母、数字、- 和 _，最长 32 个字符。
task-code-taken = 任务编号“{ $code }”已被使用。
task-no-name = 任务需要名称。
task-department-not-in-entry = 部门 { $department } 不在计划条目 { $entry } 的参与部门中。
task-item-not-in-entry = 事项 { $item } 不在计划条目 { $entry } 中。
task-window-outside-entry = 检查时间 { $start } 至 { $end } 超出计划安排 { $entry_start } 至 { $entry_end }。
task-bad-team-count = 小组数量至少为 1（现为 { $value }）。
task-members-per-department = 每个参与部门都要给出每组人数，且只能给参与部门：{ $departments }。
task-bad-members = 每组人数不能为负数：{ $value }。
task-lead-needs-member = 牵头部门 { $department } 每组至少派 1 人，组长从中随机产生（第十三条）。
draw-too-few-certified-per-team = 每组至少需要两名持执法证的检查人员，现在各部门每组合计只有 { $per_team } 人。
task-experts-per-team = 需要专家时，每组专家人数至少为 1（现为 { $value }）。
task-sample-outside-scope = 风险分类 { $risk } 不在检查范围内，不能为其设定抽查数量。
task-no-sample = 需要给出每个风险分类的抽查比例或数量（例如 A=5%,D=40）。
task-bad-sample = 风险分类 { $risk } 的抽查规则“{ $value }”无效：写比例（5% 或 0.05）或非负整数。
task-bad-change = 不能修改这些项：{ $keys }。
review-not-in-review = 任务 { $code } 当前状态为“{ $state }”，不在会审中。
review-not-participant = 部门 { $department } 不是任务 { $code } 的参与部门。
review-already-decided = { $department } 已在本轮会审中对任务 { $code } 作出决定（{ $decision }）。
review-not-found = 找不到 { $department } 对任务 { $code } 的会审记录。

cli-task-created = 已建立任务 { $code }（编号 { $id }），状态为草稿；用 jointcheck task submit { $code } 推送会审。
cli-task-heading = [{ $id }] { $code } { $name } — { $state }
cli-task-departments = 牵头：{ $lead }；参与：{ $departments }；{ $teams } 个小组，每组：{ $members }
cli-task-items = 事项：{ $items }（{ $year } 年清单）
cli-task-sample = 抽查：{ $sample }；范围：{ $scope }
cli-task-window = 检查时间：{ $start } 至 { $end }
cli-task-experts = 每组专家：{ $n } 名
cli-task-review-round = 第 { $round } 轮会审：
cli-task-review-line = { $department }：{ $decision }（{ $comment }）
cli-task-results-due = 检查完成：{ $finished }；结果录入期限：{ $due }（第十六条，20 个工作日）
cli-task-next = 下一步：{ $actions }
cli-task-submitted = 任务 { $code } 已推送各参与部门会审（第 { $round } 轮）。
cli-task-reviewed = { $department } 对任务 { $code } 的会审意见：{ $decision }。
cli-task-subjects-drawn = 已抽取检查对象 { $n } 个。
cli-task-none = 没有任务。
cli-task-none-pending = { $department } 没有待会审的任务。
cli-task-line = [{ $id }] { $code } { $name } — { $state } — 牵头 { $lead } — { $start } 至 { $end }
cli-task-advanced = 任务 { $code } 现在：{ $state }。
