## The leader's final result, referrals and transfers in the bot (issue 11 items 4–6)

bot-cmd-results = Enter check results (leader)
bot-help-results = /results: (team leaders) every department's records per subject (submitted, co-signed, unconfirmed, missing), the final result, the on-site record PDF, referrals and transfers.

results-no-inspector = Your account is not linked to an inspector, so it cannot enter results.
results-not-leader-any = You do not lead any team at the moment: the leader enters the final results (Art. 13).
results-task-title = [{ $code }] { $name } · team { $team }: results entered { $done }/{ $total }
results-subject-line = { $n }. { $name }: { $state }
results-subject-done = result entered
results-subject-done-late = result entered (late)
results-subject-records = records { $submitted }/{ $lines } submitted, { $unconfirmed } unconfirmed, { $missing } missing
results-pick-subject = Tap a subject to see its records and enter the result.

results-sheet-title = [{ $code }] { $name } · team { $team }
results-sheet-check-date = Checked on { $day }; the result is due by { $due } (20 working days, Art. 16)
results-sheet-no-check = No submitted record yet; the check date is not known.
results-sheet-records = Records by department:
results-line-missing = ✗ { $department } · { $item }: missing (not recorded)
results-line-draft = ✗ { $department } · { $item }: draft, not submitted
results-line-submitted = ⚠ { $department } · { $item }: submitted ({ $by }), unconfirmed — no second inspector confirmed it
results-line-cosigned = ✓ { $department } · { $item }: submitted ({ $by }), confirmed ({ $cosigner })
results-sheet-summary = submitted { $submitted }/{ $lines }, confirmed { $cosigned }, unconfirmed { $unconfirmed }, missing { $missing }
results-sheet-result = Final result ({ $on }, { $by }): { $categories }
results-sheet-result-late = Final result ({ $on }, { $by }, entered late): { $categories }
results-sheet-disposals = Measures: { $disposals }
results-sheet-correction = Correction due by { $day }
results-sheet-text = Summary: { $summary }
results-sheet-no-result = No final result yet.

results-btn-enter = Enter the final result
results-btn-revise = Revise the final result
results-btn-pdf = On-site record PDF
results-btn-refer = Refer / transfer
results-btn-refer-record = Refer the record: { $department } · { $item }
results-btn-back = « Back
results-btn-next = Next »
results-btn-cancel = Cancel
results-btn-confirm = ✅ Confirm
results-btn-in-days = { $day } (in { $days } days)

results-form-title = Final result: { $subject }
results-form-step-categories = Step 1: pick the result categories (several allowed; after "follow-up pending" pick what kind).
results-form-categories = Result: { $categories }
results-form-ask-summary = Step 2: send the summary of the result (text).
results-form-summary = Summary: { $summary }
results-form-step-disposals = Step 3: pick the measures (several allowed).
results-form-disposals = Measures: { $disposals }
results-form-ask-other = Say what the "other" measure is (send text).
results-form-ask-deadline = Step 4: the deadline of the correction order: send a date (YYYY-MM-DD) or tap one below.
results-form-deadline = Correction due by { $day }
results-form-ask-reason = This subject already has a final result; a revision needs a reason: send it.
results-form-reason = Reason: { $reason }
results-form-review = Please check and confirm:
results-form-due = Checked on { $check }, due by { $due }.
results-form-will-be-late = ⚠ { $days } working days past the deadline: it can still be entered, and it will be marked late (Art. 16).
results-form-stale = This button is out of date: open the subject again with /results.
referral-form-stale = This button is out of date: open the subject's result (/results) or its check record (/record) again.
results-form-cancelled = Cancelled; nothing was entered.
results-form-need-text = Please send text.
results-date-invalid = "{ $text }" is not a valid date: send it as YYYY-MM-DD, e.g. { $example }.
results-date-past = The deadline { $day } is in the past: pick today ({ $today }) or later.
results-date-future = { $day } has not come yet: the transfer date cannot be after today ({ $today }).

results-entered = The final result of { $subject } is entered: { $categories }.
results-revised = The final result of { $subject } is revised (revision { $revisions }): { $categories }.
results-entered-on-time = Entered on time (due by { $due }).
results-entered-late = Entered late: { $days } working days after the deadline { $due } (Art. 16). It is entered and marked late.
results-task-completed = Every subject of task { $code } has its result: the task is now "results entered".
results-pdf-caption = On-site record form: { $subject }

referral-not-leader = A referral from the final result is the team leader's to make.
referral-form-title = Refer / transfer: { $subject }
referral-form-pick-kind = How is it handled (Art. 17)?
referral-form-pick-department = Refer to which department?
referral-form-ask-organ = Send the name of the receiving judicial organ (e.g. the district public security bureau).
referral-form-ask-date = Send the date of the transfer (YYYY-MM-DD).
referral-form-ask-document = Send the transfer document's number.
referral-form-ask-finding = Send the finding to refer (text).
referral-form-review = { $kind }: { $target }
    Finding: { $finding }
referral-form-judicial = Transfer to judicial organs: { $organ }, on { $day }, document { $document }
    Finding: { $finding }
referral-btn-confirm = ✅ Confirm
referral-need-result = Enter the final result first, then refer from it.
referral-done-inform = Referred to { $department } (no. { $id }); { $admins } of its admins were asked to acknowledge.
referral-done-case_unit = Handed to the department's case unit (no. { $id }); { $admins } admins were asked to acknowledge.
referral-done-judicial = Transfer to judicial organs recorded: { $organ }, document { $document } (no. { $id }).
results-other-measure = { $label } ({ $text })
referral-form-target = { $kind }: { $target }
