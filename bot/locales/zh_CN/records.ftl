## 检查记录、证据、最终结果、告知与移送（issue 11）

state-results_entered = 结果已录入
bot-state-results_entered = 结果已录入
task-publish-results-missing = 任务 { $code } 还有检查对象没有录入最终结果：每个小组的每个检查对象都录入结果后才能公示。
task-step-by-results = 任务 { $code } 的“{ $action }”在最后一个检查对象录入最终结果时自动进行，不能手动执行。

record-not-member = 你不是该任务检查小组的在岗成员，不能记录或处理这条检查记录。
record-wrong-department = 这条检查记录属于{ $department }，只能由该部门在组的检查人员填写。
record-locked = 检查记录已提交并锁定；如需更正，请使用“更正”并写明理由。
record-incomplete = 检查记录还不完整，未能提交：{ $missing }（未回答的检查要点：{ $points }）。
record-finding-needs-evidence = 发现了问题（或有“不符合”的检查要点），至少需要一份证据（照片或文件）后才能提交。
evidence-outside-record = 现在没有打开的检查记录：请先用 /record 打开检查对象和事项，再发送照片、文件或位置。
evidence-wrong-type = “{ $name }”不是图片或 PDF，未保存。证据只接受照片（JPEG、PNG、WebP、HEIC）或 PDF 文件。
record-cosign-refused = { $reason ->
    [own] 不能确认自己提交的记录：需要本部门在组的另一名检查人员确认。
    [department] 只有本部门在组的检查人员可以确认这条记录。
    [not-submitted] 记录尚未提交，还不能确认。
   *[done] 这条记录已经确认过了，无需再次确认。
}
record-subject-not-in-task = 该检查对象不在这个任务的检查小组名单中。
record-not-found = 找不到检查记录 { NUMBER($id, useGrouping: 0) }。
record-task-not-in-field = 任务 { $code } 当前状态为 { $state }，不在现场检查阶段，不能记录。
record-item-not-for-department = 事项 { $item } 不由 { $department } 检查。
record-bad-point = 没有第 { $position } 个检查要点。
record-bad-answer = 无效的回答：{ $answer }。
record-bad-method = 无效的检查方式：{ $method }。
record-bad-field = 无效的字段：{ $field }。
record-text-too-long = 内容太长（{ $field }，最多 { $limit } 个字符），未保存。
record-bad-location = 位置无效（纬度 { $lat }，经度 { $lon }）。
record-amend-draft = 草稿直接修改即可，不需要更正。
record-refer-draft = 这条检查记录还是草稿：提交后才能告知或移送其中发现的问题。
record-amend-needs-reason = 更正已提交的记录必须写明理由。
record-amend-no-change = 更正内容与原记录相同，没有修改。

result-not-leader = 只有检查小组组长可以录入最终检查结果（第十三条）。
result-invalid = { $reason ->
    [no-category] 请至少选择一项检查结果。
    [follow-up-needs-kind] “发现问题待后续处理”需要至少选择一种具体情形。
    [no-problem-alone] “未发现问题”不能与其他结果同时选择。
    [no-disposal] 请至少选择一项后续处置。
    [nothing-further-alone] “无需后续处置”不能与其他处置同时选择。
    [other-needs-text] 选择“其他”处置时请写明内容。
    [correction-needs-deadline] 责令改正需要填写改正期限。
    [deadline-without-correction] 没有责令改正，不需要改正期限。
    [correction-before-check] 改正期限不能早于检查日期。
   *[no-summary] 请填写检查结果摘要。
}
result-unknown-category = 未知的检查结果代码：{ $codes }。
result-unknown-disposal = 未知的后续处置代码：{ $codes }。
result-task-closed = 任务 { $code } 当前状态为 { $state }，不能再录入或修改结果。
result-revise-needs-reason = 该检查对象已有最终结果；修改需要写明理由。
result-not-found = 找不到检查结果 { $id }。

referral-not-member = 只有检查该对象的小组成员可以告知或移送其问题。
referral-not-admin = 只有接收部门的管理员可以签收这条告知。
referral-department-not-found = 找不到部门 { $code }。
referral-needs-origin = 告知或移送须来自一条检查记录或一项最终结果。
referral-bad-kind = 无效的告知类型：{ $kind }。
referral-needs-finding = 请写明要告知或移送的问题。
referral-inform-own-department = 不能告知本部门（{ $code }）；移送本部门办案机构请选择“移送办案机构”。
referral-judicial-needs-details = 移送司法机关需要填写接收机关、移送日期和文书编号。
referral-already-acknowledged = 这条告知已经签收过了。
referral-not-found = 找不到告知记录 { $id }。

cli-records-exported = 已导出：检查记录 { $records } 条，结果 { $results } 条，告知/移送 { $referrals } 条，记录表 { $forms } 份，证据文件 { $evidence } 个；校验清单：{ $manifest }
cli-referrals-none = 任务 { $task } 没有告知或移送记录。
cli-referral-line = #{ $id } { $kind }：{ $subject }，{ $origin } → { $target }，{ $state }；问题：{ $finding }；文书编号 { $document }，移送日期 { $on }；经办 { $by }，签收 { $ack }
referral-state-sent = 待签收
referral-state-acknowledged = 已签收
referral-state-transferred = 已移送

referral-kind-inform = 告知
referral-kind-case_unit = 移送办案机构
referral-kind-judicial = 移送司法机关
referral-notice = 【{ $kind }】任务 { $code }：{ $origin }（{ $by }）检查 { $subject } 时发现：{ $finding }（编号 { $id }）
referral-acknowledge-button = 签收
referral-acknowledged = 已签收告知 { $id }。
referral-acknowledged-by = 已由 { $name } 签收。
