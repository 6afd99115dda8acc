## Directories: import and export

# problems with the file as a whole
dir-file-unreadable = The file cannot be read: { $reason }
dir-file-not-found = File not found: { $name }
dir-file-type = Unsupported file type: { $name }. Use a CSV (.csv) or Excel (.xlsx) file.
dir-file-zip-as-csv = This is an Excel (.xlsx) file named “{ $suffix }”. Rename it to .xlsx, or save it from Excel as CSV.
dir-file-old-xls = This is an old Excel (.xls) file, which cannot be read. Save it from Excel as .xlsx or “CSV UTF-8” and import again.
dir-file-utf16 = The file is UTF-16 (“Unicode text”), which cannot be read. Save it from Excel as “CSV UTF-8 (comma delimited)” and import again.
dir-file-encoding = The file's encoding is neither UTF-8 nor GB18030/GBK. Save it from Excel as “CSV UTF-8 (comma delimited)” and import again.
dir-file-empty = The file is empty: no header and no rows.
dir-file-no-rows = The file has a header but no rows; nothing was changed.
dir-file-not-xlsx = “{ $name }” is not a valid Excel (.xlsx) file (damaged, or only renamed).
dir-file-missing-columns = Required columns are missing: { $columns_en } ({ $columns }). Check the header row.
dir-file-duplicate-column = The header names the same column twice: “{ $first }” and “{ $second }”. Remove one.
dir-catalogue-locked = The { $year } item catalogue is locked ({ $locked_by }); it cannot be imported or changed any more (Art. 7).
dir-catalogue-empty = The { $year } catalogue has no items; there is nothing to lock.
dir-unknown-department = No department has the code or name “{ $code }”. See jointcheck departments.
dir-department-required = Give --department, or add a department (所属部门) column to the file.
dir-department-code-invalid = Invalid department code “{ $code }”: letters, digits, - and _ only, at most 32 characters.
dir-department-name-required = The department's Chinese name is required.
dir-sync-not-supported = --sync is not available for inspections: inspection history is never deactivated or deleted. Import again without --sync; an import only adds records or moves a date to a later one.

# cell errors (reasons)
dir-err-required = required but empty
dir-err-too-long = too long ({ $length } characters, at most { $max })
dir-err-not-number = not a number
dir-err-not-integer = not a whole number
dir-err-date = not a date; use YYYY-MM-DD or YYYY/MM/DD
dir-err-months = not months; use numbers 1 to 12 such as “6,7,8” or “6-8”
dir-err-enum = not an allowed value; use one of: { $allowed }
dir-err-lost-digits = Excel stored the code as a number and lost its last digits; format the column as Text and enter it again
dir-err-uscc-length = a unified social credit code has 18 characters
dir-err-uscc-charset = the unified social credit code has a character outside its set (digits and capitals except I, O, S, V, Z)
dir-err-uscc-division = characters 3 to 8 of the unified social credit code (the division code) must be digits
dir-err-uscc-check = wrong check character in the unified social credit code (GB 32100-2015 gives “{ $expected }”)
dir-err-industry-code = not an industry code (GB/T 4754, e.g. C1391, F5212)
dir-err-longitude-range = longitude out of range (-180 to 180, WGS-84)
dir-err-latitude-range = latitude out of range (-90 to 90, WGS-84)
dir-err-coordinates-pair = give both longitude and latitude, or neither
dir-err-unknown-department = no such department
dir-err-department-mismatch = differs from the --department given ({ $expected })
dir-err-duplicate = { $first ->
    [0] repeats an earlier row
   *[other] repeats row { $first }
}
dir-err-expiry-without-certificate = an expiry date without a certificate number
dir-err-unknown-items = not in the item catalogue: { $codes }
dir-err-item-code = an item code may use letters, digits, -, _ and . only
dir-err-year-mismatch = differs from the year being imported ({ $expected })
dir-err-unknown-departments = no such departments: { $codes }
dir-err-unknown-inspector = no inspector with this staff number in department { $department }
dir-err-unknown-subject = no subject with this code in the directories
dir-err-unknown-department-subject = no subject with this code in the directory of department { $department }
dir-err-date-future = the inspection date is after today ({ $today }): an inspection that has not happened cannot be recorded

dir-enum-subject_kind = subject kind
dir-enum-subject_status = status
dir-enum-risk_class = credit risk class
dir-enum-method = method
dir-enum-expert_kind = expert kind

dir-kind-subjects = Subjects
dir-kind-inspectors = Inspectors
dir-kind-experts = Experts
dir-kind-items = Items
dir-kind-conflicts = Conflicts of interest
dir-kind-inspections = Inspections

dir-import-file = File: { $name } ({ $format }, { $encoding }), { $rows } rows, SHA-256 { $sha }
dir-import-ignored = Columns not used: { $columns }
dir-import-done = { $what } imported: { $created } created, { $updated } updated, { $unchanged } unchanged, { $deactivated } deactivated.
dir-import-dry-run = Dry run, nothing written. { $what } would be: { $created } created, { $updated } updated, { $unchanged } unchanged, { $deactivated } deactivated.
dir-import-failed = { $bad_rows } rows have errors ({ $errors } in all); nothing was written. Fix them and import again.
dir-import-kept-newer = { $count } rows give an earlier date than the last inspection already recorded; the newer date was kept (the table holds the last inspection per subject and item).
dir-import-more-errors = { $count } more errors are not listed here; --errors FILE writes the file with every error marked.
dir-import-errors-written = Wrote the file with its errors marked: { $path } ({ $rows } rows with errors, see the “error” column)
dir-import-progress = Validating and importing
dir-import-changes = Sample of the changes:
dir-change-created = created
dir-change-updated = updated
dir-change-deactivated = deactivated
dir-change-kept = kept the newer stored date of { $key }, { $stored } (the file has { $older })
dir-error-line = row { $row }, { $column } “{ $value }”: { $reason }
dir-col-row = Row
dir-col-column = Column
dir-col-value = Value
dir-col-reason = Reason
dir-error-column = error

dir-export-done = Exported { $rows } { $what } records to { $path }

dir-audit-intact = Audit chain intact: { $count } events, head { $head }
dir-audit-broken = Audit chain broken: first bad event id { $id } ({ $reason })
dir-audit-reason-prev-hash-mismatch = previous hash differs: an event was removed, inserted or changed
dir-audit-reason-content-changed = content does not match its hash: the event was changed

dir-lock-done = The { $year } item catalogue is locked ({ $items } items); it can no longer be imported or changed.
dir-catalogue-status = { $year }: { $items } items, { $locked ->
    [yes] locked ({ $locked_by }, { $locked_at })
   *[no] not locked
}

dir-departments-none = No departments yet. Add one with jointcheck departments add CODE NAME, or run jointcheck demo-data.
dir-departments-title = Departments
dir-col-code = Code
dir-col-name = Name
dir-col-name-en = English name
dir-col-subjects = Subjects
dir-col-inspectors = Inspectors
dir-department-saved = Saved department { $code } ({ $name })

dir-demo-progress = Generating demo data
dir-demo-done = Demo data loaded (seed { $seed }): { $departments } departments, { $items } items, { $subjects } subjects, { $inspectors } inspectors, { $experts } experts/institutions, { $conflicts } conflicts, { $inspections } recent inspections.
dir-demo-exists = The database already holds the demo data; nothing loaded again.
dir-demo-departments = Departments ready: { $codes } (import the directories with jointcheck import)
