# `sovscan explain`: the assessment trace of one component. The rule
# database's own texts (a rule's rationale, a law's effect) stay as written.

explain-head = { $name } { $version } ({ $source }, image { $image })
explain-id = id: { $id }
explain-product = Product: { $count ->
    [one] { $count } member
   *[other] { $count } members
}, assessed as { $lead }
explain-in = { " " }in { $place }
explain-installation = installation: { $channel }{ $place }: { $members }
explain-binaries = Binaries ({ $count })
explain-more = … and { $count } more

## Evidence and match.
explain-evidence = Evidence
explain-match = Match
explain-no-match = no rule matched
explain-confidence = confidence { $confidence }
explain-hit = { $rule }: { $field } `{ $value }` matches `{ $pattern }` ({ $confidence })

## Product, vendor and control.
explain-control = Product, vendor and control
explain-product-is = product: { $name } ({ $id }), category { $category }
explain-product-none = product: not identified; category { $category }
explain-not-stated = not stated
explain-yes = yes
explain-no = no
explain-licence = licence: { $name } (open source: { $open }; { $basis })
explain-no-vendor = vendor: not identified
explain-vendor = vendor
explain-controlled-by = controlled by
explain-since = , controlled by the next since { $date }
explain-no-country = no country
explain-chain-link = { $role }: { $name } ({ $id }, { $country }{ $since }; source: { $source }, as of { $asof })
explain-chain-gone = { $role }: { $id } (not in the current rule database)

## Jurisdiction.
explain-jurisdiction = Jurisdiction of the ultimate controller
explain-no-jurisdiction = none (no controller with a country)
explain-bloc = { $country } (bloc { $bloc })

## Rules and assessment.
explain-rules = Rules fired
explain-mitigation = mitigation { $target }: { $dimension } { $from } → { $to } ({ $why }; approved by { $approver } until { $expires })
explain-assessment = Assessment
explain-dimension = D{ $n } { $score } (weight { $weight })
explain-assumed-role = role assumed: { $role } (the component's own role is unknown; its vendor's typical role)
explain-no-exposure = D1..D6 unknown, each scored as unknown; impact D7 { $impact }: no exposure, the level stays unknown
explain-exposure = exposure { $exposure } × impact D7 { $impact } = { $score } (thresholds: medium { $medium }, high { $high }, critical { $critical })
explain-gate = gate { $gate } (at least { $level }): { $why }
explain-level = level: { $level }

## Alternatives.
explain-alternatives = Alternatives
explain-alternative = { $category }, { $open }, controller { $controller } ({ $country })

## The confidence of a match and the field a pattern matched (ids built
## from the recorded word; a word without a message shows as recorded).
explain-confidence-high = high
explain-confidence-medium = medium
explain-confidence-low = low
explain-field-package-name = package name
explain-field-source-package = source package
explain-field-binary-name = binary name
explain-field-binary-package-note = binary package note
explain-field-bundle-id = bundle id
explain-field-company-name = company name
explain-field-install-directory = install directory
explain-field-metadata = metadata
explain-field-os-id = os id
explain-field-vendor = vendor
explain-field-publisher = publisher
explain-field-signer = signer
