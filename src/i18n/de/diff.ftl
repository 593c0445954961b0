# `sovscan diff`: die Veränderung zwischen zwei gespeicherten Scans, als
# Text und Markdown.

diff-added = Hinzugekommen ({ $count })
diff-removed = Entfernt ({ $count })
diff-changed = Geändert ({ $count })
diff-added-entry = + { $name } { $version } (Anbieter { $vendor }, Risikostufe { $level })
diff-removed-entry = - { $name } { $version } (Anbieter { $vendor }, Risikostufe { $level })
diff-field-version = Version
diff-field-vendor = Anbieter
diff-field-level = Risikostufe
diff-aggregates = Kennzahlen
diff-index = Souveränitätsindex: { $delta }
diff-oss-share = Open-Source-Anteil (Anzahl): { $delta }
diff-coverage = Abdeckung: { $delta }
