# Why the draw engine (services/verify_draw.py) refused a draw or a check failed: draw-error-<code>.

draw-error-bad-bound = The bound { $n } for a random integer is not valid.
draw-error-drand-bad-signature = The BLS signature of drand round { NUMBER($round, useGrouping: 0) } does not verify.
draw-error-drand-chain-mismatch = The manifest's drand chain parameter "{ $field }" differs from the chain's public data.
draw-error-drand-randomness-mismatch = The recorded drand randomness differs from the one computed from the signature (recorded { $recorded }, computed { $computed }).
draw-error-drand-round-mismatch = Wrong drand round: round { NUMBER($declared, useGrouping: 0) } was declared, round { $given } was given.
draw-error-drand-round-too-early = drand round { NUMBER($round, useGrouping: 0) } was published at { $published_at }, before the manifest was committed at { $committed_at }; it cannot serve as entropy.
draw-error-drand-unavailable = The drand signature cannot be checked: { $reason }.
draw-error-drand-unknown-chain = Unknown drand chain: { $chain_hash }.
draw-error-entropy-type-mismatch = Wrong kind of entropy: "{ $declared }" was declared, "{ $given }" was given.
draw-error-evidence-invalid = The entropy evidence is wrong: field "{ $field }" ({ $reason }).
draw-error-excluded-in-pool = Id { NUMBER($id, useGrouping: 0) } is both in the pool and among the exclusions.
draw-error-manifest-invalid = The draw manifest is wrong: field "{ $field }" ({ $reason }).
draw-error-manifest-not-canonical = The draw manifest's field "{ $field }" is not sorted or holds duplicates.
draw-error-no-eligible-replacement = Nobody can replace the withdrawn member of team { $team } ({ $department }): none of the { $available } candidates is free of conflicts with the team's subjects.
draw-error-no-feasible-matching = The { $subjects } subjects cannot be spread evenly over { $teams } teams without a conflict of interest or a recent repeat pairing.
draw-error-no-lead-members = Team { $team } has no member from the lead department ({ $department }) to lead it.
draw-error-non-canonical-value = The draw manifest holds a value that is not allowed ({ $path }: { $type }); only integers, strings, booleans, lists and objects are.
draw-error-pool-too-small = Not enough candidates in "{ $scope }": { $needed } needed, { $available } available.
draw-error-secret-mismatch = The operator secret does not match the hash committed in advance.
draw-error-unknown-entropy-type = Unknown kind of entropy "{ $type }".
draw-error-unknown-kind = Unknown kind of draw "{ $kind }".
draw-error-unsupported-spec = Unsupported draw spec "{ $spec }".
draw-error-witnessed-bad-value = Witnessed value number { $index }, "{ $value }", is not a non-negative integer.
draw-error-witnessed-count-mismatch = Wrong number of witnessed values: { $declared } declared, { $given } given.
draw-error-witnessed-no-witnesses = Witnessed numbers need the name of at least one witness.
