## The file store: evidence photos, PDFs and exports

file-too-large = 文件超过 { $limit } 的上限，未保存。请压缩后重新发送。
file-missing = 找不到该文件（可能已被清理或地址有误）。
