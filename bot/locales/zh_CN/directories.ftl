## 名录库导入导出（directories）

# 文件整体的问题
dir-file-unreadable = 无法读取文件：{ $reason }
dir-file-not-found = 找不到文件：{ $name }
dir-file-type = 不支持的文件类型：{ $name }。请使用 CSV（.csv）或 Excel（.xlsx）文件。
dir-file-zip-as-csv = 这是一个 Excel（.xlsx）文件，但扩展名是“{ $suffix }”。请把扩展名改为 .xlsx，或在 Excel 中另存为 CSV。
dir-file-old-xls = 这是旧版 Excel（.xls）文件，无法读取。请在 Excel 中另存为 .xlsx 或 “CSV UTF-8” 后再导入。
dir-file-utf16 = 文件是 UTF-16（“Unicode 文本”）编码，无法读取。请在 Excel 中另存为 “CSV UTF-8（逗号分隔）” 后再导入。
dir-file-encoding = 无法识别文件编码：既不是 UTF-8，也不是 GB18030/GBK。请在 Excel 中另存为 “CSV UTF-8（逗号分隔）” 后再导入。
dir-file-empty = 文件是空的，没有表头也没有数据。
dir-file-no-rows = 文件只有表头，没有数据行；未做任何修改。
dir-file-not-xlsx = 文件“{ $name }”不是有效的 Excel（.xlsx）文件（可能已损坏，或只是改了扩展名）。
dir-file-missing-columns = 缺少必需的列：{ $columns }。请检查表头（第一行）。
dir-file-duplicate-column = 表头中“{ $first }”和“{ $second }”是同一列，请删除其中一列。
dir-catalogue-locked = { $year } 年度抽查事项清单已锁定（{ $locked_by }），不能再导入或修改（第七条）。
dir-catalogue-empty = { $year } 年度还没有抽查事项，无需锁定。
dir-unknown-department = 没有编码或名称为“{ $code }”的部门。用 jointcheck departments 查看已有部门。
dir-department-required = 请用 --department 指定部门，或在文件中加入“所属部门”列。
dir-department-code-invalid = 部门编码“{ $code }”无效：只能使用字母、数字、- 和 _，最多 32 个字符。
dir-department-name-required = 请填写部门的中文名称。
dir-sync-not-supported = 检查记录不能使用 --sync：检查历史从不停用或删除。请去掉 --sync 后重新导入；导入只会新增记录，或把检查日期更新为更近的日期。

# 单元格错误（原因）
dir-err-required = 必填项为空
dir-err-too-long = 内容过长（{ $length } 个字符，最多 { $max } 个）
dir-err-not-number = 不是数字
dir-err-not-integer = 不是整数
dir-err-date = 日期格式不对，应为 YYYY-MM-DD 或 YYYY/MM/DD
dir-err-months = 月份不对，应为 1 到 12 的数字，如“6、7、8”或“6-8”
dir-err-enum = 不是允许的值，应为：{ $allowed }
dir-err-lost-digits = 代码被 Excel 存成了数字，后几位已丢失；请把该列设为“文本”格式后重新填写
dir-err-uscc-length = 统一社会信用代码应为 18 位
dir-err-uscc-charset = 统一社会信用代码含有不允许的字符（只能是数字和除 I、O、S、V、Z 以外的大写字母）
dir-err-uscc-division = 统一社会信用代码第 3 至 8 位（行政区划码）应为数字
dir-err-uscc-check = 统一社会信用代码校验位错误（按 GB 32100-2015 应为“{ $expected }”）
dir-err-industry-code = 不是国民经济行业代码（GB/T 4754，如 C1391、F5212）
dir-err-longitude-range = 经度超出范围（应在 -180 到 180 之间，WGS-84）
dir-err-latitude-range = 纬度超出范围（应在 -90 到 90 之间，WGS-84）
dir-err-coordinates-pair = 经度和纬度须同时填写或同时留空
dir-err-unknown-department = 没有这个部门
dir-err-department-mismatch = 与 --department 指定的部门（{ $expected }）不一致
dir-err-duplicate = { $first ->
    [0] 与前面的行重复
   *[other] 与第 { $first } 行重复
}
dir-err-expiry-without-certificate = 填写了有效期，但没有执法证号
dir-err-unknown-items = 抽查事项清单中没有这些事项：{ $codes }
dir-err-item-code = 事项编码只能使用字母、数字、-、_ 和 .
dir-err-year-mismatch = 年度与导入的年度（{ $expected }）不一致
dir-err-unknown-departments = 没有这些部门：{ $codes }
dir-err-unknown-inspector = 部门 { $department } 的执法检查人员名录中没有这个工号
dir-err-unknown-subject = 检查对象名录中没有这个代码
dir-err-unknown-department-subject = 部门 { $department } 的检查对象名录中没有这个代码
dir-err-date-future = 检查日期晚于今天（{ $today }），不能登记尚未进行的检查

# 枚举名称（用于错误信息）
dir-enum-subject_kind = 主体类型
dir-enum-subject_status = 登记状态
dir-enum-risk_class = 信用风险分类
dir-enum-method = 检查方法
dir-enum-expert_kind = 专家类型

# 名录名称
dir-kind-subjects = 检查对象名录
dir-kind-inspectors = 执法检查人员名录
dir-kind-experts = 专家名录
dir-kind-items = 抽查事项清单
dir-kind-conflicts = 回避关系
dir-kind-inspections = 检查记录

# 导入结果
dir-import-file = 文件：{ $name }（{ $format }，{ $encoding }），{ $rows } 行数据，SHA-256 { $sha }
dir-import-ignored = 未使用的列：{ $columns }
dir-import-done = { $what }导入完成：新增 { $created }，更新 { $updated }，未变 { $unchanged }，停用 { $deactivated }。
dir-import-dry-run = 试运行，未写入任何数据。{ $what }将新增 { $created }，更新 { $updated }，未变 { $unchanged }，停用 { $deactivated }。
dir-import-failed = 文件有 { $bad_rows } 行错误（共 { $errors } 处），未写入任何数据。请改正后重新导入。
dir-import-kept-newer = 有 { $count } 行的检查日期早于已记录的最近一次检查，已保留较新的日期（检查记录只保存每个对象每个事项的最近一次检查）。
dir-import-more-errors = 另有 { $count } 处错误未在此列出；用 --errors 文件 可得到标出全部错误的文件。
dir-import-errors-written = 已写出标有错误的文件：{ $path }（{ $rows } 行有错误，见“错误”列）
dir-import-progress = 校验并导入
dir-import-changes = 变更示例：
dir-change-created = 新增
dir-change-updated = 更新
dir-change-deactivated = 停用
dir-change-kept = 保留 { $key } 已有的较新检查日期 { $stored }（文件中为 { $older }）
dir-error-line = 第 { $row } 行，{ $column }“{ $value }”：{ $reason }
dir-col-row = 行
dir-col-column = 列
dir-col-value = 值
dir-col-reason = 原因
dir-error-column = 错误

# 导出
dir-export-done = 已导出{ $what } { $rows } 条到 { $path }

# 审计
dir-audit-intact = 审计链完整：共 { $count } 条事件，末端哈希 { $head }
dir-audit-broken = 审计链断裂：第一个异常事件 id { $id }（{ $reason }）
dir-audit-reason-prev-hash-mismatch = 前一哈希不符：有事件被删除、插入或改动
dir-audit-reason-content-changed = 内容与哈希不符：该事件被改动

# 事项清单锁定
dir-lock-done = { $year } 年度抽查事项清单已锁定（{ $items } 项），此后不能再导入或修改。
dir-catalogue-status = { $year } 年度：{ $items } 项，{ $locked ->
    [yes] 已锁定（{ $locked_by }，{ $locked_at }）
   *[no] 未锁定
}

# 部门
dir-departments-none = 还没有部门。用 jointcheck departments add 编码 名称 添加，或运行 jointcheck demo-data。
dir-departments-title = 部门
dir-col-code = 编码
dir-col-name = 名称
dir-col-name-en = 英文名称
dir-col-subjects = 检查对象
dir-col-inspectors = 执法人员
dir-department-saved = 已保存部门 { $code }（{ $name }）

# 演示数据
dir-demo-progress = 生成演示数据
dir-demo-done = 演示数据已载入（种子 { $seed }）：{ $departments } 个部门，{ $items } 个抽查事项，{ $subjects } 个检查对象，{ $inspectors } 名执法人员，{ $experts } 名专家/机构，{ $conflicts } 条回避关系，{ $inspections } 条近期检查记录。
dir-demo-exists = 数据库中已有演示数据，未重复载入。
dir-demo-departments = 已建部门：{ $codes }（名录可用 jointcheck import 导入）
