## The bot: binding, menu, assignments, review, notifications (Simplified Chinese first)

bot-unbound = 您的 Telegram 账号尚未绑定 jointcheck。请扫描管理员发给您的邀请二维码，或打开邀请链接。
invitation-unknown = 邀请无效。请向管理员索取新的邀请。
invitation-used = 此邀请已被使用过。如需重新绑定，请向管理员索取新的邀请。
invitation-already-yours = 此邀请已用于绑定您的账号（{ $name }），无需再次打开。发送 /start 查看菜单。
invitation-expired = 此邀请已过期。请向管理员索取新的邀请。
account-not-bound = 该账号尚未绑定 Telegram。
assignment-not-yours = 您不在该任务的检查小组中。
bot-error = 出了点问题，请稍后再试。
bot-throttled = 操作太频繁，请稍后再试。
bot-unknown-command = 没有这个命令。发送 /help 查看可用的命令。

bot-bound = 绑定成功！{ $name }（{ $department }），欢迎使用 jointcheck。
bot-greeting = 您好，{ $name }（{ $department }）。
bot-roles = 身份：{ $roles }
bot-menu-title = 您可以使用以下命令：
bot-role-inspector = 执法检查人员
bot-role-dept_admin = 部门管理员
bot-role-organiser = 牵头部门
bot-role-supervisor = 监督
bot-cmd-start = 开始 / 主菜单
bot-cmd-help = 帮助
bot-cmd-tasks = 我的检查任务
bot-cmd-review = 待会审的任务
bot-cmd-cancel = 取消当前操作
bot-cancelled = 已取消。
bot-nothing-to-cancel = 当前没有进行中的操作。

bot-state-draft = 草稿
bot-state-in_review = 会审中
bot-state-approved = 已通过会审
bot-state-returned = 已退回
bot-state-subjects_drawn = 已抽取检查对象
bot-state-inspectors_drawn = 已抽取检查人员
bot-state-teams_formed = 已组成检查小组
bot-state-in_progress = 检查中
bot-state-results_due = 待录入结果
bot-state-published = 已公示
bot-state-archived = 已归档

tasks-none = 目前没有分配给您的检查任务。
tasks-title = 我的检查任务（共 { $count } 项）：
tasks-line = { $n }. 【{ $code }】{ $name }
    　第 { $team } 组{ $leader_mark } · { $start } 至 { $end } · 检查对象 { $subjects } 个 · { $state }
tasks-leader-mark = （您是组长）
tasks-open-button = { $n }. { $code } 详情
tasks-section-overview = 概况
tasks-section-items = 事项与指引
tasks-section-subjects = 检查对象
tasks-back = « 返回列表
tasks-prev = ‹ 上一页
tasks-next = 下一页 ›
tasks-page = （第 { $page }/{ $pages } 页）
task-heading = 【{ $code }】{ $name }
task-state = 状态：{ $state }
task-lead = 牵头部门：{ $lead }
task-window = 检查时间：{ $start } 至 { $end }
task-team = 第 { $team } 组
task-leader = 组长：{ $name }（{ $department }）
task-leader-pending = 组长：待牵头部门抽取
task-members = 组员：
task-member = · { $name }（{ $department }）{ $mark }
task-member-leader = 组长
task-member-me = 本人
task-member-expert = 专家
task-items = 检查事项：
task-item = { $n }. { $name }（{ $code }）
task-item-basis = 　依据：{ $basis }
task-item-checklist = 　检查内容：
task-item-point = 　　- { $point }
task-item-methods = 　检查方法：{ $methods }
task-item-requirements = 　要求：{ $requirements }
task-subjects = 检查对象（按检查顺序）：
task-subjects-none = 尚未分配检查对象。
task-subject = { $n }. { $name }
    　{ $address }{ $planned }
task-subject-planned = （计划 { $date }）
task-method-onsite = 实地核查
task-method-document = 书面检查
task-method-online = 网络监测
task-method-sampling = 抽样检测

review-none = 本部门目前没有待会审的任务。
review-card =
    【会审】{ $code } { $name }
    部门：{ $department }
    检查时间：{ $start } 至 { $end }
review-approve-button = ✅ 通过
review-return-button = ↩️ 退回
review-approved = ✅ 已通过（{ $name }）
review-returned = ↩️ 已退回（{ $name }）：{ $comment }
review-done = 已处理
review-ask-comment = 请输入退回【{ $code }】的意见（发送 /cancel 取消）：
review-waiting-comment = 正在等待您输入退回意见。
review-comment-empty = 退回意见不能为空，请重新输入（发送 /cancel 取消）：
review-not-admin = 只有该部门的管理员可以会审。
review-confirm-approved = 已通过【{ $code }】的会审。
review-confirm-returned = 已退回【{ $code }】，意见：{ $comment }

notify-drawn =
    您已被抽中参加联合抽查任务【{ $code }】{ $name }。
    小组：第 { $team } 组
    { $leader }
    检查时间：{ $start } 至 { $end }
    发送 /tasks 查看详情。
notify-leader-known = 组长：{ $name }（{ $department }）
notify-leader-you = 组长：您本人
notify-leader-pending = 组长：待牵头部门抽取后通知您
notify-leader =
    任务【{ $code }】第 { $team } 组的组长已确定：{ $leader }（{ $department }）。

## CLI: jointcheck invite / account
cli-invite-title = { $department } · jointcheck 邀请二维码
cli-invite-none = 没有需要邀请的人员（本部门在职检查人员都已绑定）。
cli-invite-written = 二维码和打印页已写入 { $dir }
cli-invite-expires = 有效期至 { $at }
cli-bot-username-missing = 不知道机器人的用户名：请设置 JOINTCHECK_BOT_USERNAME，或设置 JOINTCHECK_BOT_TOKEN 以便查询。
cli-col-account = 账号
cli-col-name = 姓名
cli-col-department = 部门
cli-col-roles = 身份
cli-col-telegram = Telegram
cli-col-link = 邀请链接
cli-col-expires = 有效期至
cli-accounts-none = 没有账号。
cli-account-revoked = 已解除账号 { $id }（{ $name }）的 Telegram 绑定。
cli-webhook-needs = 请设置 JOINTCHECK_BOT_TOKEN、JOINTCHECK_WEBHOOK_URL 和 JOINTCHECK_WEBHOOK_SECRET。
