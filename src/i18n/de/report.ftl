# Der Souveränitätsbericht (md, html): jedes Wort aus src/report/document/.
# Zahlen und Daten kommen in deutscher Schreibweise an ($share = "68,1 %").

report-title = Souveränitätsbericht
contents = Inhalt
footer = Erstellt mit { $tool } (Berichtsschema { $schema }), offline und ohne Schreibzugriff. Die Kennzahlen folgen dem Modell in docs/model.md; der JSON-Bericht enthält jedes Detail.
lead-question-one = Wie abhängig ist dieses Arbeitsplatz-Image von Softwareherstellern unter ausländischer Kontrolle?
lead-question-many = Wie abhängig sind diese Arbeitsplatz-Images von Softwareherstellern unter ausländischer Kontrolle?
cover-organisation = Organisation
cover-period = Berichtszeitraum
cover-date = Datum des Scans
cover-rules = Regeldatenbank
cover-tool = Erstellt mit

## Wörter, die an vielen Stellen vorkommen.
rep-none = keine
rep-unknown = unbekannt
rep-community = Community
rep-no-country = kein Land
not-identified = nicht ermittelt
role-weighted = nach Rolle gewichtet
no-workplace-products = keine Arbeitsplatzprodukte
rep-licence = Lizenz
licence-open = Open Source
licence-proprietary = proprietär
licence-not-stated = nicht angegeben
rep-figure = Abbildung { $number }.
rep-others = { $count } weitere
single-point = einzelne Abhängigkeit
rep-evidence = Fundstelle
rep-match = Treffer
no-match = keine Regel hat gegriffen
rep-more-items = … { $count } weitere (--appendix full)
rep-confidence = Konfidenz

## Abschnittstitel und ihre Einträge im Inhaltsverzeichnis.
sec-summary = Zusammenfassung für die Leitung
sec-image = Image
sec-figures = Kennzahlen
sec-jurisdictions = Rechtsräume
nav-jurisdictions = Rechtsräume
sec-concentration = Herstellerkonzentration
nav-concentration = Konzentration
sec-categories = Risikostufen nach Kategorie
sec-dependencies = Kritische Abhängigkeiten (sehr hoch und hoch)
nav-dependencies = Sehr hoch und hoch
sec-medium = Mittlere Abhängigkeiten von Herstellern aus den USA, China oder Russland
nav-medium = Mittel (US, CN, RU)
sec-laws = Gesetze mit Wirkung über die Grenzen hinaus
sec-unresolved = Nicht zugeordnete Produkte
nav-unresolved = Nicht zugeordnet
sec-measures = Maßnahmen
sec-model = Angewandtes Modell
sec-appendix = Anhang: Nachweise
nav-appendix = Nachweise

## Zusammenfassung für die Leitung.
summary-oss = Open-Source-Anteil
summary-oss-target = { " " }nach Rollengewicht; Ziel { $target } bis { $year }
summary-us = Kontrolle aus dem Ausland
summary-us-value = { $us } des Rollengewichts unter Kontrolle aus den USA, { $cnru } aus China oder Russland
summary-levels = Abhängigkeiten
summary-levels-value = { $critical } sehr hoch, { $high } hoch, { $medium } mittel unter Kontrolle aus den USA, China oder Russland
summary-trend = Entwicklung
summary-trend-value = Index { $then } → { $now }{ $delta }, Open-Source-Anteil { $ossthen } → { $ossnow } seit dem Scan vom { $date }
summary-findings = Die drei wichtigsten Befunde
summary-actions = Die wichtigsten Maßnahmen des Plans
finding = kontrolliert von { $controller }.
finding-foreign = kontrolliert von { $controller }, im Zugriff ausländischer Gesetze.
finding-alternative = Alternative: { $name }.

## Tabellenspalten.
rep-col-image = Image
col-root = Wurzel
col-os = Betriebssystem
col-identified-by = erkannt an
col-products = Produkte
col-binaries = Programmdateien
col-figure = Kennzahl
col-value = Wert
col-index = Index
col-weakest = schwächste Stufe
col-oss-count = Open Source nach Anzahl
col-oss-weight = Open Source nach Rollengewicht
col-share = Anteil
col-jurisdiction = Rechtsraum
col-controller = kontrollierendes Unternehmen
col-country = Land
col-weight-share = Anteil am Rollengewicht
col-high-roles = Rollen mit hohem und sehr hohem Schutzbedarf
rep-col-category = Kategorie
col-total = gesamt
col-rule = Regel
col-dimension = Dimension
col-score = Wert
col-rationale = Begründung
col-exposure = Exposition
rep-col-product = Produkt
col-source = Quelle
col-evidence = Fundstellen
col-evidence-items = Fundstellen
col-level = Stufe
col-match = Treffer
per-image = Je Image

## Kennzahlen.
fig-index = Souveränitätsindex
fig-index-note = 100: keine Exposition; nach Rolle gewichtet über { $count } Arbeitsplatzprodukte
fig-weakest = Schwächste Stufe
fig-oss-count = Open-Source-Anteil nach Anzahl
fig-oss-count-value = { $share } der Arbeitsplatzprodukte (Ziel { $target } bis { $year })
fig-oss-weight = Open-Source-Anteil nach Rollengewicht
fig-levels = Produkte nach Stufe
fig-products = Produkte
fig-products-value = { $products } aus { $components } Komponenten ({ $resolved } einem kontrollierenden Unternehmen zugeordnet, { $unknown } mit unbekanntem Hersteller; Abdeckung { $coverage })
fig-binaries = Programmdateien
fig-binaries-value = { $binaries } ({ $unowned } keinem Paket zugehörig)
fig-problems = Probleme
fig-problems-value = { $errors } Fehler, { $skipped } übersprungen, { $warnings } Warnungen (im JSON-Bericht aufgeführt)
target-reached = Ziel erreicht
target-below = { $points } Prozentpunkte unter dem Ziel
card-index-text = 100 bedeutet keine Exposition; nach Rolle gewichtet über { $count } Arbeitsplatzprodukte.
card-oss = Open-Source-Anteil
card-oss-meter = Open-Source-Anteil gegenüber dem Ziel
card-oss-text = nach Rollengewicht; { $count } nach Anzahl. Ziel
card-oss-by = bis { $year }{ $togo }.
card-oss-to-go = : noch { $points } Prozentpunkte
card-coverage = Abdeckung
card-coverage-text = { $products } Produkte aus { $components } Komponenten, { $resolved } einem kontrollierenden Unternehmen zugeordnet, { $unknown } mit unbekanntem Hersteller. { $binaries } Programmdateien ({ $unowned } keinem Paket zugehörig). { $errors } Fehler, { $skipped } übersprungen.

## Rechtsräume, Konzentration, Kategorien.
bloc-eu = EU/EWR
bloc-adequacy = EU-Angemessenheit
bloc-us = USA
bloc-cn-ru = China/Russland
bloc-other = andere Drittstaaten
bloc-community = Community (kein kontrollierendes Unternehmen)
bloc-unknown = unbekannt
jurisdictions-md = Die Rechtsräume der letztlich kontrollierenden Unternehmen, gewichtet nach der Rolle jedes Arbeitsplatzprodukts.
fig1-caption = Rechtsräume der letztlich kontrollierenden Unternehmen, gewichtet nach der Rolle jedes Arbeitsplatzprodukts.
hhi = Herfindahl-Hirschman-Index
hhi-of = von 10.000
hhi-high = stark konzentriert
hhi-moderate = mäßig konzentriert
hhi-low = nicht konzentriert
no-single-point-md = Keine einzelne kritische Abhängigkeit.
no-single-point = Kein Unternehmen ist eine einzelne kritische Abhängigkeit.
single-points = Einzelne kritische Abhängigkeiten (drei oder mehr Rollen mit hohem oder sehr hohem Schutzbedarf):
fig2-caption = Anteile der kontrollierenden Unternehmen am Rollengewicht der zugeordneten Arbeitsplatzprodukte (größte zuerst; einzelne kritische Abhängigkeiten rot).
fig3-caption = Arbeitsplatzprodukte je Kategorie nach Risikostufe (schlechteste Kategorien zuerst).

## Erläuterte Abhängigkeiten.
deps-none = Keine: kein Produkt ist mit sehr hoch oder hoch bewertet.
deps-intro = { $count } Produkte, die schlechtesten zuerst. Jedes mit seiner Erläuterung: wer es kontrolliert, welche Gesetze dieses Unternehmen erreichen, welche Regeln des Modells gegriffen haben, wie die Stufe folgt, und die Alternativen, die die Regeldatenbank kennt.
medium-intro = { $count } mit mittel bewertete Produkte, deren kontrollierendes Unternehmen in den USA, China oder Russland sitzt: ein Plan zur Verringerung dieser Abhängigkeit muss sie ebenfalls erfassen. Jedes in Kürze; die Gesetze werden unten einmal erläutert.
entry-product = Produkt und Rolle
entry-controller = Kontrollierendes Unternehmen
entry-jurisdiction = Rechtsraum
entry-rules = Angewandte Regeln
entry-mitigations = Risikominderungen
entry-dimensions = Dimensionen
entry-assessment = Bewertung
entry-gates = Harte Schwellen
entry-gates-floors = Schwellen und Untergrenzen
entry-alternatives = Alternativen
entry-evidence = Fundstellen
rep-chain = Kette
chain-since = , kontrolliert vom nächsten seit { $date }
jurisdiction-none = keiner (kein kontrollierendes Unternehmen)
jurisdiction-no-law = { $country }; kein Gesetz mit extraterritorialer Wirkung erfasst
jurisdiction-laws = { $country }; Gesetze mit Wirkung über die Grenzen hinaus:
see-laws = siehe „Gesetze mit Wirkung über die Grenzen hinaus“
alternatives-none = keine in der Regeldatenbank
alternative-detail = { $category }, { $licence }, kontrolliert von { $controller } ({ $country })
score-line = Exposition { $exposure } × Auswirkung { $impact } = { $score } → { $level }
score-line-unknown = kein Hersteller ermittelt → { $level }
thresholds = mittel ab { $medium }, hoch ab { $high }, sehr hoch ab { $critical }
weights-levels = Gewichte D1..D6: { $weights }; Stufen: { $levels }
mitigation-for = Risikominderung für
mitigation = { $target }: { $dimension } { $from } → { $to } ({ $justification }; genehmigt von { $approver } bis { $expires })
gate-critical = die Stufe ist sehr hoch
gate-title = Harte Schwelle { $gate }
floor-title = Untergrenze { $gate } (mindestens { $level })
dim-d1 = D1 rechtlicher Zugriff
dim-d2 = D2 Stabilität der Kontrolle
dim-d3 = D3 Datenflüsse
dim-d4 = D4 betriebliche Autonomie
dim-d5 = D5 Offenheit und Ausstieg
dim-d6 = D6 Lieferkette
dim-d7 = D7 Rolle und Berechtigung (Auswirkung)

## Gesetze.
laws-intro = Die Gesetze, die die kontrollierenden Unternehmen der obigen Abhängigkeiten erreichen, jedes einmal erläutert; die Karten verweisen mit dem Namen darauf.
laws-reaches = Betrifft: { $products }

## Nicht zugeordnete Produkte, Modell, Anhang.
unresolved-none = Keine: jedes Produkt wurde einem kontrollierenden Unternehmen zugeordnet.
unresolved-intro-md = Keine Regel hat den Hersteller dieser Produkte erkannt; sie zählen im Index mit der höchsten Exposition ({ $exposure }), bis eine Regel sie benennt.
unresolved-intro = Keine Regel hat den Hersteller dieser { $count } Produkte erkannt; sie zählen im Index mit der höchsten Exposition ({ $exposure }), bis eine Regel sie benennt.
model-weights = Gewichte
model-weights-d = Gewichte (D1..D6)
model-levels-md = Risikowert = Exposition × Auswirkung; Stufen
model-levels = Stufen
model-levels-value = Risikowert = Exposition × Auswirkung; { $thresholds }
model-unresolved-md = Exposition eines nicht zugeordneten Produkts
model-unresolved-md-value = { $exposure }; einzelne kritische Abhängigkeit ab { $roles } Rollen mit hohem oder sehr hohem Schutzbedarf
model-unresolved = Nicht zugeordnete Produkte
model-unresolved-value = gezählt mit Exposition { $exposure }
model-single-point = Einzelne kritische Abhängigkeit
model-single-point-value = ein Unternehmen mit { $roles } oder mehr Rollen mit hohem oder sehr hohem Schutzbedarf
model-target = Open-Source-Ziel
model-target-value = { $target } bis { $year }
model-policy = Richtlinie
model-policy-value = { $policy }; gültige Risikominderungen: { $mitigations }
model-rules = Regeldatenbank
model-rules-value = { $version } ({ $date }), { $files } Dateien
appendix-intro = Jedes Produkt, das schlechteste zuerst: wo seine Bestandteile gefunden wurden und welche Regelmuster es erkannt haben.
appendix-summary-intro = Produkte und Fundstellen je Quelle; danach die schlechtesten Produkte mit ihren Fundstellen. Jedes Produkt steht im vollständigen Anhang (--appendix full) und im JSON-Bericht.
appendix-top = Die { $count } schlechtesten Produkte
appendix-more = { $count } weitere Produkte: --appendix full listet alle auf.
appendix-line = Kennung: { $id }; Quelle { $source }; Kategorie { $category }; kontrolliert von { $controller }
match-line = { $field } „{ $value }“ passt auf „{ $pattern }“ ({ $confidence }

## Maßnahmen (der Migrationsplan).
plan-action = { $year }: { $from } → { $to } ({ $country }, { $licence }; Aufwand { $effort }): Open-Source-Anteil +{ $oss } Prozentpunkte, Index +{ $index }
plan-reaches = Der Plan erreicht es { $year }.
plan-reaches-earliest = Der Plan erreicht es frühestens { $year }.
plan-not-reached = Der Plan erreicht es nicht.
rep-plan-target = Ziel: { $target } Open-Source-Anteil nach Rollengewicht bis { $year }, ab { $start }. { $reached }
plan-top-five = Die fünf Maßnahmen mit der größten Wirkung
fig4-caption = Der Open-Source-Anteil nach Rollengewicht und der Index nach jeder Phase des Plans; die gestrichelte Linie ist der Zielanteil.
rep-plan-now = heute
rep-plan-phase = Phase { $number }
plan-col-step = Schritt
plan-col-year = Jahr
plan-col-replacements = Ablösungen
plan-col-oss-weight = Open Source (Gewicht)
plan-col-oss-count = Open Source (Anzahl)
rep-plan-stays = Was bleibt
