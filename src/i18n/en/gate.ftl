# The CI gate's lines on stderr (`scan`/`assess` with `--fail-on`,
# `--baseline` or a policy): one per violation, and the verdict last.
# A violation's own message is part of the JSON and stays English.

gate-policy = policy
gate-state-allowed = allowed by { $label }
gate-state-violation = violation
gate-state-known = known from the baseline
gate-passed = PASSED
gate-failed = FAILED
gate-violations = { $count ->
    [one] { $count } violation
   *[other] { $count } violations
}
gate-new-violations = { $count ->
    [one] { $count } new violation
   *[other] { $count } new violations
}
gate-known = { $count } known from the baseline
gate-allowed = { $count } allowed
gate-allowed-until = { $count } allowed (nearest expiry { $expires }, { $label })
gate-expired = { $count ->
    [one] { $count } allowlist entry expired
   *[other] { $count } allowlist entries expired
}

## Below the table: where the errors and skipped entries are listed.
scan-problems = { $errors ->
    [one] { $errors } error
   *[other] { $errors } errors
} and { $skipped ->
    [one] { $skipped } skipped entry
   *[other] { $skipped } skipped entries
} { $where }
scan-problems-listed-in = are listed in { $path }
scan-problems-listed-in-json = are listed in the JSON report (-o json=FILE writes it beside the table)
