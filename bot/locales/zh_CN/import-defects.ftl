# 名录导入导出的缺陷修复（问题 9）
dir-file-out-is-input = 错误文件“{ $name }”就是要导入的文件：写入会清空原文件。请用另一个文件名，例如在原名后加“-错误”。未做任何更改。
dir-file-not-regular = “{ $name }”不是普通文件（可能是目录、管道或设备），无法读取。请指定一个 CSV 或 XLSX 文件。未做任何更改。
dir-file-double-bom = 文件开头有两个字节顺序标记（BOM），通常是被工具重复另存所致。请用 Excel 另存为“CSV UTF-8（逗号分隔）”后重新导入。未做任何更改。
dir-file-unterminated-quote = 第 { $row } 行（文件第 { $line } 行）有未闭合的引号：其后的各行会被并入同一个单元格。请补上缺少的英文双引号（"）后重新导入。未做任何更改。
dir-file-cell-too-big = 第 { $row } 行（文件第 { $line } 行）有一个单元格超过 { $limit } KB，名录中没有这么长的内容（可能是引号未闭合或文件损坏）。未做任何更改。
dir-file-csv-syntax = 第 { $row } 行（文件第 { $line } 行）的引号用法有误（引号后还有其他字符）。请检查该行的英文双引号。未做任何更改。
dir-file-merged-cells = 表格的数据区域有合并单元格：{ $cells }（共 { $count } 处）。合并后只有第一个单元格有值，其余会被读成空白，数据会被改变。请取消合并并填好每个单元格后重新导入。未做任何更改。
dir-err-control-char = 含有不可见的控制字符或文字方向控制符（{ $char }，第 { $position } 个字符），请删除后重新导入
dir-err-line-break = 单行内容中有换行（可能是上一处引号未闭合，把下一行并了进来）
dir-err-outside-region = 坐标（经度 { $longitude }，纬度 { $latitude }）不在本地区范围内（经度 { $west }–{ $east }，纬度 { $south }–{ $north }）
dir-year-out-of-range = 年度 { $year } 无效：应在 { $min } 到 { $max } 之间。
dir-sync-confirm = --sync 将停用 { $count } 条文件中没有的记录，超过 { $limit } 条。请先用 --dry-run 查看清单；确认无误后加 --yes 重新执行。未做任何更改。
