# 摇号引擎（services/verify_draw.py）拒绝抽取或核验失败时的说明：键为 draw-error-<code>。

draw-error-bad-bound = 随机整数的上界 { $n } 无效。
draw-error-drand-bad-signature = drand 第 { NUMBER($round, useGrouping: 0) } 轮的 BLS 签名未通过验证。
draw-error-drand-chain-mismatch = 清单中 drand 链的参数“{ $field }”与该链的公开信息不符。
draw-error-drand-randomness-mismatch = 记录的 drand 随机数与签名计算出的不一致（记录 { $recorded }，计算 { $computed }）。
draw-error-drand-round-mismatch = drand 轮次不符：事先声明第 { NUMBER($declared, useGrouping: 0) } 轮，提供的是第 { $given } 轮。
draw-error-drand-round-too-early = drand 第 { NUMBER($round, useGrouping: 0) } 轮发布于 { $published_at }，早于清单承诺时间 { $committed_at }，不能作为随机源。
draw-error-drand-unavailable = 无法验证 drand 签名：{ $reason }。
draw-error-drand-unknown-chain = 未知的 drand 链：{ $chain_hash }。
draw-error-entropy-type-mismatch = 随机源类型不符：事先声明“{ $declared }”，提供的是“{ $given }”。
draw-error-evidence-invalid = 随机源凭据有误：字段“{ $field }”不符合规范（{ $reason }）。
draw-error-excluded-in-pool = 编号 { NUMBER($id, useGrouping: 0) } 既在候选名单中又在排除名单中。
draw-error-manifest-invalid = 摇号清单有误：字段“{ $field }”不符合规范（{ $reason }）。
draw-error-manifest-not-canonical = 摇号清单字段“{ $field }”未按规定排序或有重复。
draw-error-no-eligible-replacement = 第 { $team } 组（{ $department }）没有可替补的人员：候选 { $available } 人均不符合条件（回避或近期检查过本组对象）。
draw-error-no-feasible-matching = 无法在避开回避关系和近期重复检查的前提下，把 { $subjects } 个检查对象均衡分配给 { $teams } 个小组。
draw-error-no-lead-members = 第 { $team } 组没有牵头部门（{ $department }）的成员，无法产生组长。
draw-error-non-canonical-value = 摇号清单含有不允许的值（{ $path }：{ $type }）；只允许整数、字符串、布尔值、列表和对象。
draw-error-pool-too-small = “{ $scope }”的候选不足：需要 { $needed } 个，只有 { $available } 个。
draw-error-secret-mismatch = 操作员密钥与事先承诺的哈希不符。
draw-error-unknown-entropy-type = 未知的随机源类型“{ $type }”。
draw-error-unknown-kind = 未知的摇号类型“{ $kind }”。
draw-error-unsupported-spec = 不支持的摇号规范版本“{ $spec }”。
draw-error-witnessed-bad-value = 现场见证的第 { $index } 个数值“{ $value }”不是非负整数。
draw-error-witnessed-count-mismatch = 现场见证的数值个数不符：事先声明 { $declared } 个，提供了 { $given } 个。
draw-error-witnessed-no-witnesses = 现场见证的随机数必须登记至少一名见证人的姓名。
