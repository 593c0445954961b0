# `sovscan explain`: die Bewertung einer Komponente Schritt für Schritt. Die
# Texte der Regeldatenbank (Begründung einer Regel, Wirkung eines Gesetzes)
# bleiben, wie sie dort stehen.

explain-head = { $name } { $version } ({ $source }, Abbild { $image })
explain-id = Kennung: { $id }
explain-product = Produkt: { $count ->
    [one] { $count } Bestandteil
   *[other] { $count } Bestandteile
}, bewertet als { $lead }
explain-in = { " " }in { $place }
explain-installation = Installation: { $channel }{ $place }: { $members }
explain-binaries = Programmdateien ({ $count })
explain-more = … und { $count } weitere

## Fundstellen und Zuordnung.
explain-evidence = Fundstellen
explain-match = Zuordnung
explain-no-match = keine Regel passt
explain-confidence = Sicherheit { $confidence }
explain-hit = { $rule }: { $field } `{ $value }` passt zu `{ $pattern }` ({ $confidence })

## Produkt, Anbieter und Kontrolle.
explain-control = Produkt, Anbieter und Kontrolle
explain-product-is = Produkt: { $name } ({ $id }), Kategorie { $category }
explain-product-none = Produkt: nicht ermittelt; Kategorie { $category }
explain-not-stated = nicht angegeben
explain-yes = ja
explain-no = nein
explain-licence = Lizenz: { $name } (Open Source: { $open }; { $basis })
explain-no-vendor = Anbieter: nicht ermittelt
explain-vendor = Anbieter
explain-controlled-by = kontrolliert von
explain-since = , vom nächsten kontrolliert seit { $date }
explain-no-country = kein Land
explain-chain-link = { $role }: { $name } ({ $id }, { $country }{ $since }; Quelle: { $source }, Stand { $asof })
explain-chain-gone = { $role }: { $id } (nicht in der aktuellen Regeldatenbank)

## Rechtsraum.
explain-jurisdiction = Rechtsraum des letztlich kontrollierenden Unternehmens
explain-no-jurisdiction = keiner (kein kontrollierendes Unternehmen mit Land)
explain-bloc = { $country } (Block { $bloc })

## Regeln und Bewertung.
explain-rules = Angewandte Regeln
explain-mitigation = Minderung { $target }: { $dimension } { $from } → { $to } ({ $why }; genehmigt von { $approver } bis { $expires })
explain-assessment = Bewertung
explain-dimension = D{ $n } { $score } (Gewicht { $weight })
explain-assumed-role = angenommene Rolle: { $role } (die eigene Rolle der Komponente ist unbekannt; die typische Rolle ihres Anbieters)
explain-no-exposure = D1..D6 unbekannt, jeweils als unbekannt bewertet; Auswirkung D7 { $impact }: keine Exposition, die Risikostufe bleibt unbekannt
explain-exposure = Exposition { $exposure } × Auswirkung D7 { $impact } = { $score } (Schwellen: mittel { $medium }, hoch { $high }, sehr hoch { $critical })
explain-gate = Sperrregel { $gate } (mindestens { $level }): { $why }
explain-level = Risikostufe: { $level }

## Alternativen.
explain-alternatives = Alternativen
explain-alternative = { $category }, { $open }, kontrollierendes Unternehmen { $controller } ({ $country })

## Die Sicherheit einer Zuordnung und das Feld, auf das ein Muster passte
## (Kennungen aus dem erfassten Wort; ein Wort ohne Meldung bleibt, wie es ist).
explain-confidence-high = hoch
explain-confidence-medium = mittel
explain-confidence-low = gering
explain-field-package-name = Paketname
explain-field-source-package = Quellpaket
explain-field-binary-name = Programmname
explain-field-binary-package-note = Paketvermerk der Programmdatei
explain-field-bundle-id = Bundle-Kennung
explain-field-company-name = Firmenname
explain-field-install-directory = Installationsverzeichnis
explain-field-metadata = Metadaten
explain-field-os-id = Betriebssystemkennung
explain-field-vendor = Anbieter
explain-field-publisher = Herausgeber
explain-field-signer = Signierer
