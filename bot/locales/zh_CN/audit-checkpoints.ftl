# 审计链的签名检查点（问题 9 第 8 项）
audit-checkpoint-written = 已签名检查点：共 { $length } 条事件，末端哈希 { $head }，时间 { $at }，写入 { $path }
audit-checkpoint-matches = 与 { $at } 的签名检查点（{ $length } 条事件）一致：此后只有追加。
audit-checkpoint-none = 尚无签名检查点（{ $path }）：截断、清空或整段重写无法发现。请运行 jointcheck audit checkpoint。
audit-checkpoint-emptied = 审计表已被清空：{ $at } 的签名检查点记有 { $length } 条事件，现在一条也没有。
audit-checkpoint-truncated = 审计链被截断：{ $at } 的签名检查点记有 { $length } 条事件，现在只有 { $events } 条。
audit-checkpoint-rewritten = 审计链被重写：第 { $length } 条事件的哈希与 { $at } 的签名检查点（{ $head }…）不同，该处及之前的事件被改动后重新计算了哈希。
audit-expect-head-missing = 审计链中没有哈希为 { $head } 的事件：与公布的末端不符。
audit-expect-head-found = 公布的末端 { $head } 在审计链中。
audit-checkpoint-unusable = 无法使用签名检查点。
audit-checkpoint-missing = 检查点文件 { $path } 不存在或为空。
audit-checkpoint-malformed = 检查点文件 { $path } 第 { $line } 行无法读取。
audit-checkpoint-bad-signature = { $at } 的检查点签名无效（被改动，或不是本系统的密钥签的）。
audit-key-missing = 找不到签名密钥 { $path }（也没有对应的 .pub 公钥文件）。
audit-key-unreadable = 签名密钥 { $path } 无法读取（不是 Ed25519 PEM 密钥）。
dir-audit-reason-data-not-json = 事件数据不是 JSON：该行在系统之外被改写
