# `sovscan plan`: der Migrationsplan im Terminal und in Markdown (die
# HTML-Seite bleibt englisch). Hinweise und Begründungen des Plans gehören
# zu seinem JSON und bleiben, wie der Planer sie schreibt.

plan-no-capacity = ohne Kapazitätsgrenze
plan-capacity-points = { $points } Aufwandspunkte im Jahr
plan-capacity-migrations = höchstens { $n } Ablösungen im Jahr
plan-capacity-both = { $points } Aufwandspunkte und höchstens { $n } Ablösungen im Jahr
plan-target = Ziel: { $share } Open-Source-Anteil nach Rollengewicht bis { $year }, ab { $from }; { $capacity }.
plan-already-reached = Das Ziel ist bereits erreicht.
plan-reached = Das Ziel wird { $year } erreicht.
plan-figures = Open Source { $weighted } nach Rollengewicht ({ $count } nach Anzahl), Index { $index }, USA { $us }, CN/RU { $cnru }, HHI { $hhi }, { $critical } sehr hoch, { $high } hoch
plan-switch = { $from } ({ $level }) → { $to } ({ $country }, { $license }, { $open }), Aufwand { $effort }: { $why }

## Im Terminal.
plan-now = Heute: { $figures }
plan-phase-line = Phase { $n } ({ $year }), { $points } Aufwandspunkte:
plan-blockers = Hindernisse: { $list }
plan-after = danach: { $figures }
plan-stays = bleibt: { $list }
plan-kept = Bleibt:
plan-what-if-now = Heute:  { $figures }
plan-what-if-after = Danach: { $figures }

## Markdown.
plan-title = Migrationsplan
plan-phase = Phase { $n } ({ $year }): { $points } Aufwandspunkte
plan-md-kept = Was bleibt
plan-md-kept-columns = Produkt | Risikostufe | Begründung
plan-md-figure-columns = Jahr | Open Source (Gewicht) | Open Source (Anzahl) | Index | USA | CN/RU | HHI | sehr hoch | hoch
plan-md-now = heute
plan-md-after-phase = nach Phase { $n }
plan-md-stays = Bleibt nach dieser Phase: { $list }
plan-what-if-title = Was wäre, wenn
plan-md-what-if-now = heute: { $figures }
plan-md-what-if-after = danach: { $figures }
plan-col-from = von
plan-col-level = Risikostufe
plan-col-to = nach
plan-col-controller = kontrollierendes Unternehmen
plan-col-licence = Lizenz
plan-col-effort = Aufwand
plan-col-why = warum jetzt
plan-col-blockers = Hindernisse
plan-col-eu-hosting = Betrieb in der EU

## Warum eine Ablösung in ihrer Phase kommt (`reason` im JSON des Plans).
plan-reason-hard-gate = Sperrregel
plan-reason-critical = sehr hohes Risiko
plan-reason-gain-per-effort = Nutzen je Aufwand
plan-reason-what-if = Was-wäre-wenn
