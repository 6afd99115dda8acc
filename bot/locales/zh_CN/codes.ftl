# 亮码检查 / 扫码入企（检查码）
codes-title = 检查码核验
codes-status-valid = 有效：这是一次真实的检查
codes-status-not_yet = 尚未生效：检查时间未到
codes-status-expired = 已过期：此检查码已失效
codes-status-revoked = 已撤销：此检查码不再有效
codes-status-completed = 已完成：此次检查已结束
codes-status-wrong_business = 此检查码不是给贵单位的
codes-status-tampered = 无效：检查码被篡改或无法识别
codes-advice-valid = 请核对下面的执法人员与证件，如有疑问请拨打部门电话核实。
codes-advice-refused = 请不要配合此次“检查”，并拨打部门电话核实；也可以拨打 12345 政务服务便民热线。
codes-token-id = 检查码编号
codes-subject = 被检查对象
codes-task = 抽查任务
codes-visit-day = 计划检查日
codes-validity = 有效时间
codes-window = 任务实施期间
codes-departments = 检查部门
codes-phone = 核实电话
codes-no-phone = 请通过政府门户网站查询部门电话
codes-items = 检查事项与法律依据
codes-inspectors = 执法人员
codes-certificate = 执法证号
codes-rights-title = 被检查单位的权利
codes-rights =
    · 要求执法人员出示执法证件，两名以上执法人员在场方可检查。
    · 检查只限于上面列出的事项，不得超出范围，不得收取任何费用。
    · 对检查有异议的，可以陈述、申辩，依法申请行政复议或者提起行政诉讼。
    · 执法人员与本单位有利害关系的，可以申请回避。
    · 可以通过上面的电话或 12345 热线反映问题，并对此次检查作出评价。
codes-check-uscc = 核对本单位的统一社会信用代码
codes-check-button = 核对
codes-confirm-title = 确认检查已进行
codes-confirm-button = 确认执法人员已到场检查
codes-confirmed = 已于 { $at } 确认检查已进行。
codes-rate-title = 评价此次检查
codes-rating = 评分（1–5）
codes-comment = 意见（选填，不超过 500 字）
codes-rate-button = 提交评价
codes-rated = 已评价：{ $rating } 分（{ $at }）。
codes-thanks = 谢谢，已记录。
codes-keys-note = 检查码由 Ed25519 签名；公钥见 /c/keys.json，离线核验方法见文档 docs/inspection-codes.md。
codes-refused = 无法完成此操作。
codes-form-csrf = 表单已失效或来源不明，请重新扫码后再提交。
codes-form-tampered = 检查码无效，无法提交。
codes-form-not-yet = 检查码尚未生效，暂不能确认。
codes-form-expired = 检查码已过期，不能再确认或评价。
codes-form-revoked = 检查码已撤销，不能确认或评价。
codes-form-wrong-business = 此检查码不是给贵单位的。
codes-form-completed = 此次检查已结束。
codes-rating-range = 评分须为 1 到 5 的整数。
codes-comment-too-long = 意见不能超过 { $limit } 字。
codes-rate-needs-confirm = 请先确认检查已进行，再评价。
codes-too-many = 操作过于频繁，请稍后再试。
codes-key-unreadable = 无法读取检查码签名密钥：{ $path }
# 机器人
codes-no-visit-today = 今天没有您在已确定日程中的检查，不能生成检查码。请先确认日程（/schedule）。
codes-bad-choice = 请选择 1 到 { $count } 之间的序号。
codes-choose = 今天有 { $count } 个检查点，请选择：
codes-choose-line = /code { $n } — { $name }（{ $task }）
codes-caption = 检查码：{ $name }
    任务 { $task }
    有效期 { $from } 至 { $until }
    请让企业用手机扫码核验。
codes-not-a-member = 您不是任务 { $task } 此检查组的在岗成员，不能生成检查码。
codes-no-scheduled-visit = 任务 { $task } 的已确定日程中没有 { $uscc } 的检查。
codes-not-found = 没有编号为 { $id } 的检查码。
forbidden-codes-issue = { $actor } 不能代为生成检查码：只有牵头组织部门或系统可以。
forbidden-codes-revoke = { $actor } 不能撤销检查码：只有牵头组织部门或系统可以。
bot-cmd-code = 检查码（亮码入企）
cli-codes-issued = 检查码 { $id }（{ $name }）有效期 { $from } 至 { $until }：
cli-codes-verify = 签名有效（密钥 { $kid }）。编号 { $id }，任务 { $task }，统一社会信用代码 { $uscc }，执法人员 { $inspectors }，有效期 { $from } 至 { $until }：{ $status }
cli-codes-bad = 签名无效或检查码损坏：{ $reason }
bot-help-code = /code：检查当天出示检查码（亮码入企），企业扫码核验任务、事项和执法人员。
