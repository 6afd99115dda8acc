## Check records, evidence, final results, referrals and transfers (issue 11)

state-results_entered = results entered
bot-state-results_entered = results entered
task-publish-results-missing = Task { $code } still has subjects without a final result: it can be published once every subject of every team has its result.
task-step-by-results = "{ $action }" of task { $code } happens when the last subject's final result is entered; it cannot be taken by hand.

record-not-member = You are not an active member of this task's team, so you cannot record or handle this check record.
record-wrong-department = This check record belongs to { $department }: only that department's inspectors in the team fill it in.
record-locked = The check record is submitted and locked; to correct it, use "Amend" and give a reason.
record-incomplete = The check record is not complete and was not submitted: { $missing } (checklist points without an answer: { $points }).
record-finding-needs-evidence = A problem was found (or a point does not comply): add at least one piece of evidence (a photo or a file) before submitting.
evidence-outside-record = No check record is open: open the subject and the item with /record first, then send photos, files or a location.
evidence-wrong-type = "{ $name }" is neither an image nor a PDF and was not kept. Evidence is a photo (JPEG, PNG, WebP, HEIC) or a PDF file.
record-cosign-refused = { $reason ->
    [own] You cannot confirm your own record: another inspector of your department in the team confirms it.
    [department] Only your department's inspectors in the team can confirm this record.
    [not-submitted] The record is not submitted yet, so it cannot be confirmed.
   *[done] This record is confirmed already; nothing changed.
}
record-subject-not-in-task = This subject is not on the list of this task's teams.
record-not-found = There is no check record { NUMBER($id, useGrouping: 0) }.
record-task-not-in-field = Task { $code } is { $state }, not in the field-work phase: nothing can be recorded.
record-item-not-for-department = Item { $item } is not checked by { $department }.
record-bad-point = There is no checklist point { $position }.
record-bad-answer = Not a valid answer: { $answer }.
record-bad-method = Not a valid check method: { $method }.
record-bad-field = Not a valid field: { $field }.
record-text-too-long = The text is too long ({ $field }, at most { $limit } characters) and was not kept.
record-bad-location = Not a valid location (latitude { $lat }, longitude { $lon }).
record-amend-draft = A draft is simply edited; no amendment is needed.
record-refer-draft = This check record is still a draft: submit it first, then refer or transfer its finding.
record-amend-needs-reason = Correcting a submitted record needs a reason.
record-amend-no-change = The amendment is the same as the record; nothing changed.

result-not-leader = Only the team's leader enters the final result (Art. 13).
result-invalid = { $reason ->
    [no-category] Pick at least one result.
    [follow-up-needs-kind] "Problem found, follow-up pending" needs at least one kind.
    [no-problem-alone] "No problem found" cannot be combined with other results.
    [no-disposal] Pick at least one disposal measure.
    [nothing-further-alone] "Nothing further" cannot be combined with other measures.
    [other-needs-text] Describe the "other" measure.
    [correction-needs-deadline] A correction order needs a correction deadline.
    [deadline-without-correction] No correction was ordered, so no correction deadline is needed.
    [correction-before-check] The correction deadline cannot be before the check date.
   *[no-summary] Write a summary of the result.
}
result-unknown-category = Unknown result code: { $codes }.
result-unknown-disposal = Unknown disposal code: { $codes }.
result-task-closed = Task { $code } is { $state }: results can no longer be entered or changed.
result-revise-needs-reason = This subject has a final result already; changing it needs a reason.
result-not-found = There is no result { $id }.

referral-not-member = Only a member of the team that checked the subject refers or transfers its findings.
referral-not-admin = Only an admin of the receiving department acknowledges this referral.
referral-department-not-found = There is no department { $code }.
referral-needs-origin = A referral or transfer comes from one check record or one final result.
referral-bad-kind = Not a valid referral kind: { $kind }.
referral-needs-finding = Describe the finding to refer or transfer.
referral-inform-own-department = A department does not refer to itself ({ $code }); for its case unit choose "hand to the case unit".
referral-judicial-needs-details = A transfer to judicial organs needs the receiving organ, the date and the document number.
referral-already-acknowledged = This referral was acknowledged already.
referral-not-found = There is no referral { $id }.

cli-records-exported = Exported: { $records } check records, { $results } results, { $referrals } referrals, { $forms } record forms, { $evidence } evidence files; manifest: { $manifest }
cli-referrals-none = No referral or transfer in task { $task }.
cli-referral-line = #{ $id } { $kind }: { $subject }, { $origin } → { $target }, { $state }; finding: { $finding }; document { $document }, transferred on { $on }; by { $by }, acknowledged by { $ack }
referral-state-sent = waiting for acknowledgement
referral-state-acknowledged = acknowledged
referral-state-transferred = transferred

referral-kind-inform = Referral
referral-kind-case_unit = To the case unit
referral-kind-judicial = Transfer to judicial organs
referral-notice = [{ $kind }] Task { $code }: { $origin } ({ $by }) found at { $subject }: { $finding } (no. { $id })
referral-acknowledge-button = Acknowledge
referral-acknowledged = Referral { $id } acknowledged.
referral-acknowledged-by = Acknowledged by { $name }.
