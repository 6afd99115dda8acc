## 机器人中的检查记录（issue 11，检查人员一侧）

bot-cmd-record = 填写检查记录
bot-help-record = /record — 填写检查记录：选择今天的检查对象（或本组任一检查对象）和事项，逐项回答检查要点，选择检查方式，填写发现问题情况，发送照片、文件和位置，汇总后提交；同组本部门的另一名检查人员一键确认。

rb-not-inspector = 只有检查人员可以填写检查记录。
rb-no-subjects = 你目前不在任何处于现场检查阶段的检查小组中，没有可记录的检查对象。
rb-today-title = 今天（{ $day }）的检查对象：
rb-all-title = 本组的全部检查对象（{ $count } 户）：
rb-no-stops-today = 今天没有已确定日程的检查对象；以下是本组的全部检查对象：
rb-btn-all = 📋 本组全部检查对象（{ $count } 户）
rb-items-title = 【{ $code }】{ $subject }
    请选择要记录的检查事项：
rb-no-items = 该检查对象没有需要本部门检查的事项。
rb-item-state = { $state ->
    [missing] ⬜
    [draft] ✏️
    [submitted] 📤
   *[cosigned] ✅
}
rb-state = { $state ->
    [draft] 草稿
    [submitted] 已提交，待同组本部门检查人员确认
   *[cosigned] 已提交，已确认
}
rb-title = 【{ $code }】{ $subject }
rb-item = 检查事项：{ $item } { $name }（{ $department }）
rb-state-line = 状态：{ $state }
rb-points-title = 检查要点：
rb-point = { $n }. { $text } — { $answer }
rb-point-note = 　备注：{ $note }
rb-unanswered = 未回答
rb-methods = 检查方式：{ $methods }
rb-findings = 发现问题情况：{ $text }
rb-disposal = 处置情况：{ $text }
rb-notes = 备注：{ $text }
rb-empty = （未填写）
rb-none = 无
rb-location-none = 位置：未发送
rb-location = 位置：{ $lat }, { $lon }，距登记地址 { $distance }{ $flag }
rb-location-unknown = 位置：{ $lat }, { $lon }（检查对象没有登记坐标，无法比较距离）
rb-flag = ⚠️ 超过 { $limit }，已标记
rb-evidence = 证据：{ $count } 份（照片 { $photos }，文件 { $documents }）
rb-submitted-by = 提交：{ $name }（{ $at }）
rb-cosigned-by = 确认：{ $name }（{ $at }）
rb-cosign-waiting = 确认：待同组本部门另一名检查人员确认
rb-cosign-nobody = 确认：本部门在组只有一名检查人员，记录保持“未确认”，组长可见。
rb-amendments = 更正：{ $count } 次（最近一次理由：{ $reason }）
rb-hint = 提示：照片可直接发送；需要保留拍摄时间和 GPS 时，请以“文件”方式发送。单个文件不超过 { $limit }，只接受图片或 PDF。

rb-btn-point = { $n }. { $answer }
rb-btn-findings = ✏️ 发现问题
rb-btn-disposal = ✏️ 处置情况
rb-btn-notes = ✏️ 备注
rb-btn-location = 📍 发送位置
rb-btn-evidence = 📷 照片/文件
rb-btn-summary = 📋 汇总并提交
rb-btn-submit = ✅ 确认提交
rb-btn-back = « 返回
rb-btn-amend = ✏️ 更正
rb-btn-cosign = ✅ 确认记录
rb-btn-refer = 移送/告知
rb-btn-share-location = 📍 发送我的位置

rb-ask-findings = 请输入发现问题情况（没有发现问题请回复“无”）：
rb-ask-disposal = 请输入处置情况：
rb-ask-notes = 请输入备注：
rb-saved = 已保存。
rb-ask-location = 请发送当前位置（定位或实时位置均可）；将与检查对象的登记地址比较距离。
rb-ask-evidence = 请发送照片或文件。需要保留拍摄时间和 GPS 时，请以“文件”方式发送（不压缩）；单个文件不超过 { $limit }，只接受图片或 PDF。
rb-location-saved = 位置已记录：距检查对象登记地址 { $distance }。
rb-location-flagged = ⚠️ 位置已记录，但距检查对象登记地址 { $distance }，超过 { $limit }，已标记，组长可见。
rb-location-no-register = 位置已记录（检查对象没有登记坐标，无法比较距离）。
rb-photo-saved = 照片已保存（本记录共 { $count } 份证据）。Telegram 压缩的照片不带拍摄时间和位置；需要保留时请以“文件”方式发送。
rb-file-saved = 文件“{ $name }”已保存（本记录共 { $count } 份证据）。
rb-file-saved-gps = 文件“{ $name }”已保存（本记录共 { $count } 份证据），含拍摄位置 { $lat }, { $lon }。
rb-duplicate = 这份文件已在本记录中，未重复保存。
rb-album-saved = 相册已保存 { $saved } 份证据（本记录共 { $count } 份）。
rb-album-saved-dup = 相册已保存 { $saved } 份证据，{ $duplicates } 份已在记录中未重复保存（本记录共 { $count } 份）。

rb-summary-title = 提交前请核对：
rb-summary-ready = 内容完整，可以提交。提交后记录锁定，只能通过“更正”修改。
rb-summary-missing = 还不能提交：{ $missing }
rb-missing-points = 第 { $points } 个检查要点未回答
rb-missing-methods = 未选择检查方式
rb-missing-findings = 未填写发现问题情况（没有问题请填“无”）
rb-missing-evidence = 发现了问题，至少需要一份证据（照片或文件）
rb-submitted = 已提交检查记录，已通知同组本部门检查人员确认。
rb-submitted-alone = 已提交检查记录。本部门在组只有一名检查人员，记录保持“未确认”。

rb-cosign-notice = 【请确认】任务 { $code }：{ $by } 提交了 { $subject } 的检查记录（{ $item } { $name }），请核对后确认。
rb-cosigned = 已确认该检查记录。
rb-cosigned-line = 已由 { $name } 确认。
rb-cosign-stale = 这个确认按钮对应的是更正前的记录版本，本次操作未生效；请核对更正后的记录。

rb-amend-pick = 要更正哪一项？
rb-amend-ask-value = 请输入更正后的{ $field }：
rb-amend-ask-reason = 请写明更正理由：
rb-amended = 已更正（第 { $number } 次），原内容与理由已保存；需要同组本部门检查人员重新确认。
rb-field = { $field ->
    [findings] 发现问题情况
    [disposal] 处置情况
   *[notes] 备注
}
