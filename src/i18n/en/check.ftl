# `sovscan check`: the check before procurement, for a terminal and as
# Markdown. Law names and effects come from the rule database as written.

check-since = , controlled since { $date }
check-link = { $name } ({ $country }{ $since }; source: { $source }, { $asof })
check-none = none on record
check-gdpr-outside-eu = content processed in the vendor's cloud, controller outside the EU/EEA
check-gdpr-cloud = cloud dependency: { $names }
check-gdpr-telemetry = telemetry by default
check-gdpr-us = controller subject to the US CLOUD Act / FISA §702
check-gdpr-prc = controller subject to the PRC National Intelligence Law
check-licence-unknown = licence unknown
check-exposure = , exposure { $exposure }
check-headline = { $name } [{ $id }]: level { $level } as { $role }{ $exposure }; { $license } ({ $open }); controller { $country } ({ $bloc })

## For a terminal.
check-chain = chain: { $chain }
check-laws = laws: { $laws }
check-warning = warning: { $name } ({ $effect })
check-dimensions = dimensions: { $dims }; rules: { $rules }
check-gdpr = GDPR-relevant: { $traits }
check-migration = migration away: effort { $effort } ({ $reason })
check-policy = POLICY: { $text }
check-no-alternative = no alternative: { $why }
check-alternative = alternative: { $headline }

## Markdown.
check-md-title = Check: { $query }
check-md-chain = control chain: { $chain }
check-md-law = law: { $name } ({ $citation }): { $effect }
check-md-warning = warning: { $name }: { $effect }
check-md-dimensions = dimensions: { $dims }; rules fired: { $rules }
check-md-migration = migration away: effort { $effort }: { $reason } (source: { $source })
check-md-violation = **policy violation**: { $text }
check-md-columns = alternative | level | licence | controller | GDPR-relevant
