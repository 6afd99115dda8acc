# Directory import and export defects (issue 9)
dir-file-out-is-input = The error file “{ $name }” is the file being imported: writing it would empty the original. Use another name, e.g. add “-errors”. Nothing was changed.
dir-file-not-regular = “{ $name }” is not a regular file (a directory, pipe or device) and cannot be read. Give a CSV or XLSX file. Nothing was changed.
dir-file-double-bom = The file starts with two byte-order marks (BOM), usually because a tool saved it twice. Save it from Excel as “CSV UTF-8 (comma delimited)” and import again. Nothing was changed.
dir-file-unterminated-quote = Row { $row } (line { $line } of the file) has a quote that is never closed: the rows after it would run into one cell. Add the missing double quote (") and import again. Nothing was changed.
dir-file-cell-too-big = Row { $row } (line { $line } of the file) has a cell over { $limit } KB, longer than any directory value (an unclosed quote or a damaged file?). Nothing was changed.
dir-file-csv-syntax = Row { $row } (line { $line } of the file) uses quotes wrongly (characters after a closing quote). Check the double quotes of that row. Nothing was changed.
dir-file-merged-cells = The data area of the sheet has merged cells: { $cells } ({ $count } in all). Only the first cell of a merged area has a value, the others read as blank, so the data would change. Unmerge them, fill every cell and import again. Nothing was changed.
dir-err-control-char = contains an invisible control or text-direction character ({ $char }, character { $position }); remove it and import again
dir-err-line-break = a line break in a one-line value (perhaps an unclosed quote above pulled the next row in)
dir-err-outside-region = coordinates (longitude { $longitude }, latitude { $latitude }) outside the region (longitude { $west }–{ $east }, latitude { $south }–{ $north })
dir-year-out-of-range = Year { $year } is not valid: it must be between { $min } and { $max }.
dir-sync-confirm = --sync would deactivate { $count } records missing from the file, more than { $limit }. Check the list with --dry-run first; then run again with --yes. Nothing was changed.
