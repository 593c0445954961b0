# Wörter, die alle lesbaren Ausgaben teilen. Die Kennungen sind in jeder
# Sprache gleich; übersetzt wird nur der Text.

# Ein Wert, der nicht definiert ist (keine Arbeitsplatzkomponenten).
not-available = k. A.

## Risikostufen (docs/model.md): die Namen aus der Modelldokumentation.
level-low = gering
level-medium = mittel
level-high = hoch
level-critical = sehr hoch
level-unknown = unbekannt

## Anzahlen mit Pluralformen.
files = { $count ->
    [one] { $count } Datei
   *[other] { $count } Dateien
}
