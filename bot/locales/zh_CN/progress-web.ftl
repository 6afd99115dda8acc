## issue 12 item 5: the progress pages on the web and `jointcheck progress link`
progress-web-city-title = 全市工作进度（第二十二条）
progress-web-dept-title = { $department }工作进度（第二十二条）
progress-web-intro = 各部门任务、抽取对象、检查、结果（按时与逾期）和未结移送，供绩效考核。
progress-web-department = 部门
progress-web-on-time = 按时
progress-web-late = 逾期
progress-web-referrals = 移送未结
progress-web-total = 合计
progress-web-csv = 下载 CSV
progress-web-xlsx = 下载 Excel（XLSX）
progress-web-refused-title = 链接无效
progress-web-refused = 此链接无效或已过期，请向组织部门索取新的链接。
cli-progress-link = 进度页链接（{ $scope }，有效至 { $until }）：
cli-progress-no-department = 没有部门 { $code }。
