## Check records in the bot (issue 11, the inspector's side)

bot-cmd-record = Record a check
bot-help-record = /record — record a check: pick today's stop (or any subject of your team) and an item, answer the checklist points, pick the methods, type the findings, send photos, files and a location, check the summary and submit; your department's second inspector in the team confirms with one tap.

rb-not-inspector = Only inspectors record checks.
rb-no-subjects = You are not in any team in field work, so there is no subject to record.
rb-today-title = Today's stops ({ $day }):
rb-all-title = Every subject of your team ({ $count }):
rb-no-stops-today = No stop today on a confirmed schedule; every subject of your team:
rb-btn-all = 📋 Every subject of the team ({ $count })
rb-items-title = [{ $code }] { $subject }
    Pick the item to record:
rb-no-items = This subject has no item for your department.
rb-item-state = { $state ->
    [missing] ⬜
    [draft] ✏️
    [submitted] 📤
   *[cosigned] ✅
}
rb-state = { $state ->
    [draft] draft
    [submitted] submitted, waiting for the co-sign
   *[cosigned] submitted and co-signed
}
rb-title = [{ $code }] { $subject }
rb-item = Item: { $item } { $name } ({ $department })
rb-state-line = State: { $state }
rb-points-title = Checklist:
rb-point = { $n }. { $text } — { $answer }
rb-point-note = 　note: { $note }
rb-unanswered = not answered
rb-methods = Methods: { $methods }
rb-findings = Findings: { $text }
rb-disposal = Disposal: { $text }
rb-notes = Notes: { $text }
rb-empty = (empty)
rb-none = none
rb-location-none = Location: not sent
rb-location = Location: { $lat }, { $lon }, { $distance } from the registered address{ $flag }
rb-location-unknown = Location: { $lat }, { $lon } (the subject has no registered coordinates)
rb-flag = ⚠️ farther than { $limit }, flagged
rb-evidence = Evidence: { $count } (photos { $photos }, files { $documents })
rb-submitted-by = Submitted: { $name } ({ $at })
rb-cosigned-by = Co-signed: { $name } ({ $at })
rb-cosign-waiting = Co-sign: waiting for your department's second inspector
rb-cosign-nobody = Co-sign: your department has one inspector in the team; the record stays unconfirmed and the leader sees it.
rb-amendments = Amendments: { $count } (last reason: { $reason })
rb-hint = Tip: send photos directly; to keep the time and GPS, send the picture as a file. At most { $limit } per file, images or PDF only.

rb-btn-point = { $n }. { $answer }
rb-btn-findings = ✏️ Findings
rb-btn-disposal = ✏️ Disposal
rb-btn-notes = ✏️ Notes
rb-btn-location = 📍 Location
rb-btn-evidence = 📷 Photos/files
rb-btn-summary = 📋 Summary and submit
rb-btn-submit = ✅ Submit
rb-btn-back = « Back
rb-btn-amend = ✏️ Amend
rb-btn-cosign = ✅ Co-sign
rb-btn-refer = Refer / inform
rb-btn-share-location = 📍 Share my location

rb-ask-findings = Type the findings (reply "none" when no problem was found):
rb-ask-disposal = Type the disposal:
rb-ask-notes = Type the notes:
rb-saved = Saved.
rb-ask-location = Share your current location (a pin or live); it is compared with the subject's registered address.
rb-ask-evidence = Send photos or files. To keep the time and GPS, send the picture as a file (uncompressed); at most { $limit } per file, images or PDF only.
rb-location-saved = Location saved: { $distance } from the subject's registered address.
rb-location-flagged = ⚠️ Location saved, but it is { $distance } from the subject's registered address, farther than { $limit }: flagged for the leader.
rb-location-no-register = Location saved (the subject has no registered coordinates to compare with).
rb-photo-saved = Photo saved ({ $count } pieces of evidence in this record). Telegram strips the time and position from photos; send a file to keep them.
rb-file-saved = File "{ $name }" saved ({ $count } pieces of evidence in this record).
rb-file-saved-gps = File "{ $name }" saved ({ $count } pieces of evidence in this record), taken at { $lat }, { $lon }.
rb-duplicate = This file is already in the record; not stored twice.
rb-album-saved = Album: { $saved } pieces of evidence saved ({ $count } in this record).
rb-album-saved-dup = Album: { $saved } pieces of evidence saved, { $duplicates } already in the record ({ $count } in this record).

rb-summary-title = Check before submitting:
rb-summary-ready = Complete: ready to submit. A submitted record is locked; a correction is an amendment.
rb-summary-missing = Not ready to submit: { $missing }
rb-missing-points = checklist points { $points } unanswered
rb-missing-methods = no method picked
rb-missing-findings = no findings (type "none" when no problem was found)
rb-missing-evidence = a problem was found: add at least one photo or file
rb-submitted = Record submitted; your department's second inspector was asked to co-sign.
rb-submitted-alone = Record submitted. Your department has one inspector in the team; the record stays unconfirmed.

rb-cosign-notice = [Please co-sign] Task { $code }: { $by } submitted the record of { $subject } ({ $item } { $name }); check it and confirm.
rb-cosigned = Record co-signed.
rb-cosigned-line = Co-signed by { $name }.
rb-cosign-stale = This button is for the record before its amendment; nothing was done. Please check the amended record.

rb-amend-pick = What do you correct?
rb-amend-ask-value = Type the corrected { $field }:
rb-amend-ask-reason = Type the reason for the correction:
rb-amended = Amended (number { $number }); the original and the reason are kept. Your department's second inspector confirms again.
rb-field = { $field ->
    [findings] findings
    [disposal] disposal
   *[notes] notes
}
