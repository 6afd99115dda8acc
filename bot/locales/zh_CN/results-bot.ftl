## 组长在机器人中录入最终检查结果、告知与移送（issue 11 第 4–6 项）

bot-cmd-results = 检查结果录入（组长）
bot-help-results = /results：（检查小组组长）查看每个检查对象各部门的检查记录（已提交、已确认、未确认、缺失），录入最终检查结果，获取现场检查记录表 PDF，告知或移送发现的问题。

results-no-inspector = 你的账号没有关联检查人员，不能录入检查结果。
results-not-leader-any = 你目前不是任何检查小组的组长：最终检查结果由组长录入（第十三条）。
results-task-title = 【{ $code }】{ $name } · 第 { $team } 组：已录入结果 { $done }/{ $total }
results-subject-line = { $n }. { $name }：{ $state }
results-subject-done = 已录入结果
results-subject-done-late = 已录入结果（逾期）
results-subject-records = 记录 { $submitted }/{ $lines } 已提交，{ $unconfirmed } 未确认，{ $missing } 缺失
results-pick-subject = 点击检查对象查看记录并录入结果。

results-sheet-title = 【{ $code }】{ $name } · 第 { $team } 组
results-sheet-check-date = 检查日期 { $day }，结果录入期限 { $due }（20 个工作日，第十六条）
results-sheet-no-check = 尚无已提交的检查记录，检查日期未定。
results-sheet-records = 各部门检查记录：
results-line-missing = ✗ { $department } · { $item }：缺失（未记录）
results-line-draft = ✗ { $department } · { $item }：草稿，尚未提交
results-line-submitted = ⚠ { $department } · { $item }：已提交（{ $by }），未确认——没有第二名检查人员确认
results-line-cosigned = ✓ { $department } · { $item }：已提交（{ $by }），已确认（{ $cosigner }）
results-sheet-summary = 已提交 { $submitted }/{ $lines }，已确认 { $cosigned }，未确认 { $unconfirmed }，缺失 { $missing }
results-sheet-result = 最终结果（{ $on }，{ $by }）：{ $categories }
results-sheet-result-late = 最终结果（{ $on }，{ $by }，逾期录入）：{ $categories }
results-sheet-disposals = 后续处置：{ $disposals }
results-sheet-correction = 改正期限：{ $day }
results-sheet-text = 摘要：{ $summary }
results-sheet-no-result = 尚未录入最终结果。

results-btn-enter = 录入最终结果
results-btn-revise = 修改最终结果
results-btn-pdf = 现场检查记录表 PDF
results-btn-refer = 告知 / 移送
results-btn-refer-record = 告知 / 移送记录：{ $department } · { $item }
results-btn-back = « 返回
results-btn-next = 下一步 »
results-btn-cancel = 取消
results-btn-confirm = ✅ 确认录入
results-btn-in-days = { $day }（{ $days } 天后）

results-form-title = 录入最终检查结果：{ $subject }
results-form-step-categories = 第 1 步：选择检查结果（可多选；选“发现问题待后续处理”后再选具体情形）。
results-form-categories = 检查结果：{ $categories }
results-form-ask-summary = 第 2 步：请发送检查结果摘要（文字）。
results-form-summary = 摘要：{ $summary }
results-form-step-disposals = 第 3 步：选择后续处置（可多选）。
results-form-disposals = 后续处置：{ $disposals }
results-form-ask-other = 请写明“其他”处置的内容（发送文字）。
results-form-ask-deadline = 第 4 步：责令改正的改正期限：发送日期（YYYY-MM-DD），或点选下面的日期。
results-form-deadline = 改正期限：{ $day }
results-form-ask-reason = 该检查对象已有最终结果，修改需写明理由：请发送修改理由。
results-form-reason = 修改理由：{ $reason }
results-form-review = 请核对后确认：
results-form-due = 检查日期 { $check }，录入期限 { $due }。
results-form-will-be-late = ⚠ 已超过录入期限 { $days } 个工作日：仍可录入，但将标记为逾期（第十六条）。
results-form-stale = 这个按钮已经过期：请用 /results 重新打开检查对象。
referral-form-stale = 这个按钮已经过期：请重新打开该检查对象的结果（/results）或检查记录（/record）。
results-form-cancelled = 已取消，未录入任何内容。
results-form-need-text = 请发送文字。
results-date-invalid = “{ $text }”不是有效日期：请按 YYYY-MM-DD 格式发送，例如 { $example }。
results-date-past = 改正期限 { $day } 已经过去：请选择今天（{ $today }）或以后的日期。
results-date-future = 日期 { $day } 还没到：移送日期不能晚于今天（{ $today }）。

results-entered = 已录入 { $subject } 的最终检查结果：{ $categories }。
results-revised = 已修改 { $subject } 的最终检查结果（第 { $revisions } 次修改）：{ $categories }。
results-entered-on-time = 按期录入（期限 { $due }）。
results-entered-late = 逾期录入：超过期限 { $due } 共 { $days } 个工作日（第十六条）。已录入并标记为逾期。
results-task-completed = 任务 { $code } 的全部检查对象都已录入结果，任务进入“结果已录入”。
results-pdf-caption = 现场检查记录表（随机抽查情况记录表）：{ $subject }

referral-not-leader = 从最终结果告知或移送问题由检查小组组长办理。
referral-form-title = 告知 / 移送：{ $subject }
referral-form-pick-kind = 请选择办理方式（第十七条）：
referral-form-pick-department = 告知哪个部门？
referral-form-ask-organ = 请发送接收的司法机关名称（如：鄂州市公安局鄂城区分局）。
referral-form-ask-date = 请发送移送日期（YYYY-MM-DD）。
referral-form-ask-document = 请发送移送文书编号。
referral-form-ask-finding = 请发送要告知或移送的问题（文字）。
referral-form-review = { $kind }：{ $target }
    问题：{ $finding }
referral-form-judicial = 移送司法机关：{ $organ }，移送日期 { $day }，文书编号 { $document }
    问题：{ $finding }
referral-btn-confirm = ✅ 确认办理
referral-need-result = 请先录入最终结果，再从结果告知或移送。
referral-done-inform = 已告知 { $department }（编号 { $id }），已通知该部门 { $admins } 名管理员签收。
referral-done-case_unit = 已移送本部门办案机构（编号 { $id }），已通知 { $admins } 名管理员签收。
referral-done-judicial = 已登记移送司法机关：{ $organ }，文书编号 { $document }（编号 { $id }）。
results-other-measure = { $label }（{ $text }）
referral-form-target = { $kind }：{ $target }
