# Inspection codes (亮码检查 / 扫码入企)
codes-title = Inspection code check
codes-status-valid = Valid: this is a real inspection
codes-status-not_yet = Not yet valid: the inspection time has not come
codes-status-expired = Expired: this code is no longer valid
codes-status-revoked = Revoked: this code has been withdrawn
codes-status-completed = Completed: this inspection has ended
codes-status-wrong_business = This code is not for your business
codes-status-tampered = Invalid: the code was altered or cannot be read
codes-advice-valid = Check the inspectors and their certificates below; if in doubt, call the department.
codes-advice-refused = Do not cooperate with this "inspection"; call the department to check, or the 12345 government hotline.
codes-token-id = Code id
codes-subject = Inspected business
codes-task = Spot-check task
codes-visit-day = Scheduled day
codes-validity = Valid
codes-window = Task window
codes-departments = Departments
codes-phone = Phone to call back
codes-no-phone = look the department's phone up on the government portal
codes-items = Items and legal basis
codes-inspectors = Inspectors
codes-certificate = Certificate no.
codes-rights-title = Your rights
codes-rights =
    · Ask the inspectors to show their certificates; at least two must be present.
    · The inspection covers only the items listed above, and no fee may be charged.
    · You may state your case and defend it, apply for administrative review or sue.
    · You may ask an inspector with a conflict of interest to withdraw.
    · You may report problems at the phone above or 12345, and rate this inspection.
codes-check-uscc = Check against your unified social credit code
codes-check-button = Check
codes-confirm-title = Confirm the inspection took place
codes-confirm-button = Confirm the inspectors came and inspected
codes-confirmed = Confirmed on { $at } that the inspection took place.
codes-rate-title = Rate this inspection
codes-rating = Rating (1–5)
codes-comment = Comment (optional, up to 500 characters)
codes-rate-button = Send the rating
codes-rated = Rated { $rating } ({ $at }).
codes-thanks = Thank you, recorded.
codes-keys-note = Codes are signed with Ed25519; the public key is at /c/keys.json and docs/inspection-codes.md says how to check a code offline.
codes-refused = This cannot be done.
codes-form-csrf = The form has expired or did not come from this page; scan the code again.
codes-form-tampered = The code is invalid; nothing was sent.
codes-form-not-yet = The code is not valid yet; it cannot be confirmed now.
codes-form-expired = The code has expired; it can no longer be confirmed or rated.
codes-form-revoked = The code was revoked; it cannot be confirmed or rated.
codes-form-wrong-business = This code is not for your business.
codes-form-completed = This inspection has ended.
codes-rating-range = The rating must be a whole number from 1 to 5.
codes-comment-too-long = The comment may not be longer than { $limit } characters.
codes-rate-needs-confirm = Confirm that the inspection took place first, then rate it.
codes-too-many = Too many attempts; try again later.
codes-key-unreadable = Cannot read the inspection codes' signing key: { $path }
# the bot
codes-no-visit-today = You have no visit today in a fixed schedule, so no code can be made. Confirm the schedule first (/schedule).
codes-bad-choice = Choose a number from 1 to { $count }.
codes-choose = You have { $count } stops today; choose one:
codes-choose-line = /code { $n } — { $name } ({ $task })
codes-caption = Inspection code: { $name }
    task { $task }
    valid { $from } to { $until }
    Let the business scan it with a phone.
codes-not-a-member = You are not an active member of this team of task { $task }; no code can be made.
codes-no-scheduled-visit = Task { $task }'s fixed schedule has no visit to { $uscc }.
codes-not-found = No inspection code { $id }.
forbidden-codes-issue = { $actor } may not issue codes for others: only the organiser or the system may.
forbidden-codes-revoke = { $actor } may not revoke codes: only the organiser or the system may.
bot-cmd-code = Inspection code (show on entry)
cli-codes-issued = Code { $id } ({ $name }) valid { $from } to { $until }:
cli-codes-verify = Signature valid (key { $kid }). Id { $id }, task { $task }, USCC { $uscc }, inspectors { $inspectors }, valid { $from } to { $until }: { $status }
cli-codes-bad = Bad signature or damaged code: { $reason }
bot-help-code = /code: show the inspection code on the day of a visit; the business scans it to check the task, items and inspectors.
