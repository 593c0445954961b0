# `sovscan check`: die Prüfung vor der Beschaffung, im Terminal und als
# Markdown. Namen und Wirkungen der Gesetze stehen, wie die Regeldatenbank
# sie schreibt.

check-since = , kontrolliert seit { $date }
check-link = { $name } ({ $country }{ $since }; Quelle: { $source }, { $asof })
check-none = keine bekannt
check-gdpr-outside-eu = Inhalte werden in der Cloud des Anbieters verarbeitet, kontrollierendes Unternehmen außerhalb von EU/EWR
check-gdpr-cloud = Cloud-Abhängigkeit: { $names }
check-gdpr-telemetry = Telemetrie standardmäßig aktiv
check-gdpr-us = kontrollierendes Unternehmen unterliegt dem US CLOUD Act / FISA §702
check-gdpr-prc = kontrollierendes Unternehmen unterliegt dem Nationalen Nachrichtendienstgesetz der VR China
check-licence-unknown = Lizenz unbekannt
check-exposure = , Exposition { $exposure }
check-headline = { $name } [{ $id }]: Risikostufe { $level } als { $role }{ $exposure }; { $license } ({ $open }); kontrollierendes Unternehmen { $country } ({ $bloc })

## Im Terminal.
check-chain = Kontrollkette: { $chain }
check-laws = Gesetze: { $laws }
check-warning = Warnung: { $name } ({ $effect })
check-dimensions = Dimensionen: { $dims }; Regeln: { $rules }
check-gdpr = DSGVO-relevant: { $traits }
check-migration = Ablösung: Aufwand { $effort } ({ $reason })
check-policy = RICHTLINIE: { $text }
check-no-alternative = keine Alternative: { $why }
check-alternative = Alternative: { $headline }

## Markdown.
check-md-title = Prüfung: { $query }
check-md-chain = Kontrollkette: { $chain }
check-md-law = Gesetz: { $name } ({ $citation }): { $effect }
check-md-warning = Warnung: { $name }: { $effect }
check-md-dimensions = Dimensionen: { $dims }; angewandte Regeln: { $rules }
check-md-migration = Ablösung: Aufwand { $effort }: { $reason } (Quelle: { $source })
check-md-violation = **Verstoß gegen die Richtlinie**: { $text }
check-md-columns = Alternative | Risikostufe | Lizenz | kontrollierendes Unternehmen | DSGVO-relevant
