# Die Tabelle im Terminal (`scan`, `report -f table`) und `sovscan summary`.
# Wörter, die die anderen Terminalausgaben (explain, check, plan, diff)
# teilen, stehen auch hier, als `table-…`.

## Wörter.
table-unknown = unbekannt
table-community = Community
table-proprietary = proprietär
table-open-source = Open Source

## Spaltenköpfe der Tabelle.
col-image = Abbild
col-product = Produkt
col-component = Komponente
col-version = Version
col-control = Anbieter → Kontrolle (Land)
col-license = Lizenz
col-category = Kategorie
col-risk = Risiko

# Ein mehrfach installiertes Produkt (n > 1).
table-installs = { $label } ({ $n } Installationen)

# Über den Zeilen, die keine Regel bewertet.
table-unrated-products = { $count ->
    [one] Nicht bewertet: 1 Produkt. Keine Regel sagt, wer es kontrolliert oder wie riskant es ist. Unbekannt heißt nicht harmlos: Es kann alles sein, vom Treiber bis zum Fernzugriff; prüfen Sie es oder ergänzen Sie eine Regel (docs/rules.md).
   *[other] Nicht bewertet: { $count } Produkte. Keine Regel sagt, wer sie kontrolliert oder wie riskant sie sind. Unbekannt heißt nicht harmlos: Jedes kann alles sein, vom Treiber bis zum Fernzugriff; prüfen Sie sie oder ergänzen Sie eine Regel (docs/rules.md).
}
table-unrated-components = { $count ->
    [one] Nicht bewertet: 1 Komponente. Keine Regel sagt, wer sie kontrolliert oder wie riskant sie ist. Unbekannt heißt nicht harmlos: Sie kann alles sein, vom Treiber bis zum Fernzugriff; prüfen Sie sie oder ergänzen Sie eine Regel (docs/rules.md).
   *[other] Nicht bewertet: { $count } Komponenten. Keine Regel sagt, wer sie kontrolliert oder wie riskant sie sind. Unbekannt heißt nicht harmlos: Jede kann alles sein, vom Treiber bis zum Fernzugriff; prüfen Sie sie oder ergänzen Sie eine Regel (docs/rules.md).
}

## Die Zusammenfassung unter der Tabelle und oben in `sovscan summary`.
table-image = Abbild { $id }: { $root } ({ $os })
table-components = Komponenten: { $count }
table-products = Produkte: { $count } aus { $components ->
    [one] { $components } Komponente
   *[other] { $components } Komponenten
}
table-counts = { $counted } ({ $resolved } zugeordnet, { $unknown } mit unbekanntem Anbieter; Abdeckung { $coverage })   Programmdateien: { $binaries } ({ $unowned } keinem Paket zugehörig)
table-risk = Risikostufen: { $levels }   schwächste Stufe: { $weakest }
table-index-products = Souveränitätsindex: { $index } / 100 über { $count } Arbeitsplatzprodukte (nach Rolle gewichtet; docs/model.md)
table-index-components = Souveränitätsindex: { $index } / 100 über { $count } Arbeitsplatzkomponenten (nach Rolle gewichtet; docs/model.md)
table-oss = Open-Source-Anteil der Arbeitsplatzsoftware: { $count } nach Anzahl, { $weighted } nach Rollengewicht; Ziel { $target } bis { $year }
table-jurisdictions = Rechtsräume der kontrollierenden Unternehmen (nach Rolle gewichtet): EU/EWR { $eu } · Angemessenheitsbeschluss { $adequacy } · USA { $us } · CN/RU { $cnru } · sonstige { $other } · Community { $community } · unbekannt { $unknown }
table-concentration = Anbieterkonzentration: HHI { $hhi }; größte: { $top }{ $single }
table-single-points = ; alleinige Abhängigkeiten: { $names }
table-problems = Fehler: { $errors } · übersprungen: { $skipped } · Warnungen: { $warnings }   Regeln: { $version } ({ $date })

## `sovscan summary`: die kontrollierenden Unternehmen, eine Zeile je Abbild.
summary-col-controller = kontrollierendes Unternehmen
summary-col-country = Land
summary-col-share = Anteil am Rollengewicht
summary-col-high-roles = Rollen mit hohem und sehr hohem Risiko
summary-image = Abbild { $id } ({ $root }): Index { $index }, schwächste Stufe { $weakest }, Open Source { $oss } nach Anzahl
