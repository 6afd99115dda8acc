## Private chats only, content the bot cannot read, stale buttons (issue 9 items 10-12, 20)

bot-private-only = 为保护检查信息，本机器人只在私聊中使用，请直接私聊我。
bot-cannot-read = 我读不懂这种消息。照片、文件和位置请在 /record 打开检查记录后发送；发送 /help 查看我能做什么。
bot-stale-button = 这个按钮已失效。请发送 /tasks 或 /start 重新打开。

bot-help-intro = jointcheck 协助部门联合“双随机、一公开”抽查。
bot-help-tasks = /tasks：查看抽中您的任务、检查事项及工作指引、小组成员和检查对象。
bot-help-review = /review：会审本部门待审的联合抽查任务（通过或退回并填写意见）。
bot-help-cancel = /cancel：取消正在进行的操作。
bot-help-accounts = 账号绑定、解绑请联系本部门管理员。
bot-leads-team = 您是任务【{ $code }】{ $name }第 { $team } 组的组长。

task-deadline-check_finished = 检查完成日期：{ $date }
task-deadline-results_due = 结果录入截止：{ $date }（{ $days } 个工作日内）

## Domain values in words (bot/labels.py), for the bot and the CLI
label-sample-ratio = { $risk } 类 { $ratio }
label-sample-count = { $risk } 类 { $count } 个
label-scope-kinds = 主体类型：{ $values }
label-scope-industries = 行业：{ $values }
label-scope-districts = 区域：{ $values }
label-scope-risk_classes = 风险分类：{ $values }
label-scope-all = 全部检查对象
label-action-submit = 提交会审
label-action-approve = 通过会审
label-action-return = 退回
label-action-reopen = 重新编辑
label-action-draw-subjects = 抽取检查对象
label-action-draw-inspectors = 抽取检查人员
label-action-form-teams = 组成检查小组
label-action-start = 开始检查
label-action-finish = 检查完成
label-action-publish = 公示结果
label-action-archive = 归档

## The review card (会审) with everything a reviewer needs
review-card-full =
    【会审】{ $code } { $name }
    第 { $round } 轮会审 · 部门：{ $department }
    检查时间：{ $start } 至 { $end }
    检查事项：{ $items }
    检查范围：{ $scope }
    抽查数量：{ $sample }
    检查小组：{ $teams } 个，每组 { $members }
review-card-members = { $department } { $count } 人
review-card-returned = 上一轮退回意见：{ $department }：{ $comment }
review-card-changed = 此后修改了：{ $fields }
review-card-unchanged = 上一轮退回后未作修改。
review-round-over = 第 { $round } 轮会审已结束（现在是第 { $current } 轮），这个按钮不再有效。请发送 /review 查看当前任务。
review-field-name = 名称
review-field-departments = 参与部门
review-field-items = 检查事项
review-field-window_start = 开始日期
review-field-window_end = 结束日期
review-field-team_count = 小组数
review-field-members_per_team = 每组人数
review-field-sample = 抽查数量
review-field-scope = 检查范围
review-field-needs_experts = 是否需要专家
review-field-experts_per_team = 每组专家数
review-field-lead_department = 牵头部门

cli-col-inspector = 检查人员 id（--person）

## Task dates (task advance start / finish) and publishing (issue 9 item 17)
task-day-in-future = { $day } 还没有到（今天是 { $today }）：开始和完成检查只能记录今天或以前的日期。
task-start-before-window = 任务 { $code } 的检查时间从 { $start } 开始，不能在 { $day } 开始检查。
task-start-after-window = 任务 { $code } 的检查时间到 { $end } 结束，不能在 { $day } 才开始检查。
task-finished-before-start = 检查完成日 { $day } 早于任务 { $code } 开始检查的日期 { $started }。
task-publish-no-results = 任务 { $code } 还没有检查结果：公示需要每个检查对象的检查结果，目前系统中尚无任何结果记录，暂不能公示。
task-deadline-check_started = 开始检查日期：{ $date }
label-count = { $what } { $n }
label-risk-class = { $risk } 类
label-exclusion-inactive = 非存续
label-exclusion-already-in-task = 已在本任务中
label-exclusion-no-certificate = 无执法证
label-exclusion-certificate-expires-before-window-end = 执法证在检查结束前到期
label-exclusion-not-qualified = 不具备所需资格
label-exclusion-inspected-within = { $months } 个月内已检查过
label-action-with-code = { $label }（{ $code }）
