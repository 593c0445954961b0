# Words every human-readable output shares. Message ids are kebab-case and
# the same in every language; a translator changes only the text.

# A figure that is not defined (no workplace components to count).
not-available = n/a

## Risk levels (docs/model.md): the names the model docs use.
level-low = low
level-medium = medium
level-high = high
level-critical = critical
level-unknown = unknown

## Counts with plurals (Fluent selects the form by the number).
files = { $count ->
    [one] { $count } file
   *[other] { $count } files
}
