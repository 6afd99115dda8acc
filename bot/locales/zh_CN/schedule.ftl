# 检查日程与路线 (Art. 13, issue 10)
schedule-button-plan = 安排检查日程
schedule-title = 【{ $code }】第 { $team } 组检查日程（第 { $version } 版 · { $state }）
schedule-state-draft = 草稿，未发送
schedule-state-sent = 待组员确认
schedule-state-fixed = 已确定
schedule-state-superseded = 已被新版本取代
schedule-leader = 组长：{ $name }
schedule-start = 出发地：{ $label }
schedule-start-office = 牵头部门办公地点
schedule-start-shared = 组长共享的位置
schedule-day = { $day }（{ $weekday }）{ $time } 出发 · { $count } 户 · 约 { $km } 公里 · 车程约 { $minutes } 分钟
schedule-stop = 　{ $n }. { $name }（{ $address }）
schedule-total = 合计 { $days } 天 · { $count } 户 · 约 { $km } 公里
schedule-flags = 发送前请注意：
schedule-flag-two-teams = · { $day } { $name } 同日还在 { $other } 组检查
schedule-flag-peak-month = · { $day } { $name } 处于经营旺季
schedule-flag-no-location = · { $name } 没有坐标，排在当天最后
schedule-answers = 确认情况（{ $done }/{ $total }）：
schedule-answer-pending = · { $name }（{ $department }）未答复
schedule-answer-confirmed = · { $name }（{ $department }）已确认
schedule-answer-refused = · { $name }（{ $department }）无法参加：{ $reason }
schedule-answer-unbound = （尚未绑定机器人）
schedule-none = 第 { $team } 组尚未安排检查日程。
weekday-0 = 周一
weekday-1 = 周二
weekday-2 = 周三
weekday-3 = 周四
weekday-4 = 周五
weekday-5 = 周六
weekday-6 = 周日

# buttons
schedule-btn-send = 📤 发送给组员
schedule-btn-dates = 📅 调整日期
schedule-btn-subjects = 🔀 调整检查对象
schedule-btn-time = ⏰ 出发时间
schedule-btn-location = 📍 从我的位置出发
schedule-btn-revise = ✏️ 修改日程（新版本）
schedule-btn-confirm = ✅ 确认
schedule-btn-refuse = ❌ 无法参加
schedule-btn-back = « 返回日程
schedule-btn-venues = 📍 { $day } 地点
schedule-btn-earlier = ⬆️ 提前一位
schedule-btn-amap = 高德导航
schedule-btn-baidu = 百度导航

schedule-btn-remind = 🔔 提醒未答复的组员

# the leader's flow
schedule-pick-day = 要调整哪一天？
schedule-pick-new-date = 把 { $day } 改到哪一天？（只列出检查时间内的工作日）
schedule-pick-subject = 要调整哪个检查对象？
schedule-subject-actions = { $name }：提前一位，或移到另一天（只列出检查时间内的工作日）：
schedule-pick-time-day = 调整哪一天的出发时间？
schedule-pick-time = { $day } 几点出发？
schedule-ask-location = 请点下方按钮发送您的位置，日程将从该位置出发重新安排。
schedule-location-button = 📍 发送我的位置
schedule-sent = 日程（第 { $version } 版）已发送给 { $count } 名组员。
schedule-sent-unbound = 以下组员尚未绑定机器人，请另行通知：{ $names }
schedule-refused-to-leader = { $name } 无法参加第 { $version } 版日程：{ $reason }
    请修改日程（新版本），组员将重新确认。
schedule-fixed-all = 【{ $code }】第 { $team } 组检查日程（第 { $version } 版）已确定：全体组员已确认。

schedule-reminded = 已再次发送给 { $count } 名未答复的组员。

# the members
schedule-to-member = 组长 { $leader } 发来检查日程，请确认：
schedule-ask-reason = 请回复无法参加的原因（将转告组长）：
schedule-confirmed-thanks = 已确认第 { $version } 版日程。
schedule-refused-thanks = 已告知组长您无法参加第 { $version } 版日程，原因：{ $reason }
schedule-waiting-reason = 正在等待您填写无法参加的原因。

# refusals (services/schedule.py)
schedule-not-leader = 只有本组组长可以安排、修改或发送检查日程。
schedule-not-member = 您不是本组的组员（或已被替换），无需确认此日程。
schedule-stale = 这是第 { $version } 版日程，已被第 { $current } 版取代，本次操作未生效。
schedule-wrong-state = 日程当前状态不允许此操作。
schedule-use-revise = 日程已发送，请使用“修改日程（新版本）”。
schedule-not-draft = 日程已发送，不能直接调整；请使用“修改日程（新版本）”。
schedule-not-sent = 日程尚未发送。
schedule-already-answered = 您已答复过第 { $version } 版日程，本次操作未生效。
schedule-reason-required = 请填写无法参加的原因。
schedule-reason-too-long = 原因最多 { $limit } 个字。
schedule-no-office = 牵头部门（{ $department }）尚未设置办公地点坐标，请共享您的位置作为出发地。
schedule-no-subjects = 第 { $team } 组没有检查对象。
schedule-window-too-short = 检查时间内只有 { $days } 个工作日，每天最多 { $per_day } 户，排不下 { $subjects } 个检查对象。
schedule-max-per-day = 每天检查户数应在 1 到 20 之间（收到 { $value }）。
schedule-outside-window = { $day } 不在检查时间（{ $start } 至 { $end }）内。
schedule-day-past = { $day } 已经过去，请选择以后的日期。
schedule-not-working-day = { $day } 不是工作日。
schedule-day-full = { $day } 已安排 { $per_day } 户，达到每天上限。
schedule-day-taken = { $day } 已有安排，请选择其他日期。
schedule-day-not-found = 日程中没有 { $day }。
schedule-stop-not-found = 日程中没有这个检查对象。
schedule-bad-order = { $day } 的顺序应包含当天全部检查对象，各一次。
schedule-bad-time = 出发时间 { $time } 不在 06:00 至 20:00 之间。
schedule-bad-coordinates = 坐标无效（纬度 { $lat }，经度 { $lon }）。
schedule-not-found = 没有这份日程。
schedule-team-not-found = 没有这个检查小组（{ $id }）。

# CLI
cli-schedule-office-set = 已设置 { $department } 的办公地点：{ $lat }, { $lon }
cli-schedule-max-set = 已设置任务 { $task } 每组每天最多检查 { $count } 户
schedule-department-not-found = 没有部门“{ $code }”。
