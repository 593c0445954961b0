# Die Zeilen der CI-Prüfung auf stderr (`scan`/`assess` mit `--fail-on`,
# `--baseline` oder einer Richtlinie): eine je Verstoß, das Ergebnis zuletzt.
# Die Meldung eines Verstoßes gehört zum JSON und bleibt englisch.

gate-policy = Richtlinie
gate-state-allowed = erlaubt durch { $label }
gate-state-violation = Verstoß
gate-state-known = aus der Vergleichsbasis bekannt
gate-passed = BESTANDEN
gate-failed = NICHT BESTANDEN
gate-violations = { $count ->
    [one] { $count } Verstoß
   *[other] { $count } Verstöße
}
gate-new-violations = { $count ->
    [one] { $count } neuer Verstoß
   *[other] { $count } neue Verstöße
}
gate-known = { $count } aus der Vergleichsbasis bekannt
gate-allowed = { $count } erlaubt
gate-allowed-until = { $count } erlaubt (nächster Ablauf { $expires }, { $label })
gate-expired = { $count ->
    [one] { $count } Ausnahme abgelaufen
   *[other] { $count } Ausnahmen abgelaufen
}

## Unter der Tabelle: wo Fehler und übersprungene Einträge stehen.
scan-problems = { $errors ->
    [one] { $errors } Fehler
   *[other] { $errors } Fehler
} und { $skipped ->
    [one] { $skipped } übersprungener Eintrag
   *[other] { $skipped } übersprungene Einträge
} { $where }
scan-problems-listed-in = stehen in { $path }
scan-problems-listed-in-json = stehen im JSON-Bericht (-o json=DATEI schreibt ihn neben die Tabelle)
