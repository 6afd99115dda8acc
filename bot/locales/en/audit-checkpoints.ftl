# Signed checkpoints of the audit chain (issue 9 item 8)
audit-checkpoint-written = Checkpoint signed: { $length } events, head { $head }, at { $at }, written to { $path }
audit-checkpoint-matches = Matches the signed checkpoint of { $at } ({ $length } events): only appended since.
audit-checkpoint-none = No signed checkpoint yet ({ $path }): truncation, emptying or a rewrite cannot be detected. Run jointcheck audit checkpoint.
audit-checkpoint-emptied = The audit table was emptied: the signed checkpoint of { $at } counted { $length } events, none is left.
audit-checkpoint-truncated = The audit chain was cut short: the signed checkpoint of { $at } counted { $length } events, only { $events } are left.
audit-checkpoint-rewritten = The audit chain was rewritten: event { $length } has another hash than the signed checkpoint of { $at } ({ $head }…); events up to it were changed and their hashes re-computed.
audit-expect-head-missing = No event of the audit chain has hash { $head }: it does not extend the published head.
audit-expect-head-found = The published head { $head } is in the audit chain.
audit-checkpoint-unusable = The signed checkpoint cannot be used.
audit-checkpoint-missing = The checkpoint file { $path } does not exist or is empty.
audit-checkpoint-malformed = Line { $line } of the checkpoint file { $path } cannot be read.
audit-key-missing = The signing key { $path } was not found (nor its .pub public key).
audit-checkpoint-bad-signature = The signature of the checkpoint of { $at } is not valid (edited, or not signed by this system's key).
audit-key-unreadable = The signing key { $path } cannot be read (not an Ed25519 PEM key).
dir-audit-reason-data-not-json = the event's data is not JSON: the row was rewritten outside the system
