# The terminal table (`scan`, `report -f table`) and `sovscan summary`.
# Words the other terminal outputs (explain, check, plan, diff) share are
# here too, as `table-…`.

## Words.
table-unknown = unknown
table-community = community
table-proprietary = proprietary
table-open-source = open source

## Column headers of the table.
col-image = image
col-product = product
col-component = component
col-version = version
col-control = vendor → controller (country)
col-license = license
col-category = category
col-risk = risk

# A product installed more than once (n > 1).
table-installs = { $label } ({ $n } installs)

# Above the rows no rule rates.
table-unrated-products = { $count ->
    [one] Not rated: 1 product. No rule says who controls it or how risky it is. Unknown is not harmless: it could be anything, from a driver to remote access; check it, or add a rule (docs/rules.md).
   *[other] Not rated: { $count } products. No rule says who controls them or how risky they are. Unknown is not harmless: each could be anything, from a driver to remote access; check them, or add a rule (docs/rules.md).
}
table-unrated-components = { $count ->
    [one] Not rated: 1 component. No rule says who controls it or how risky it is. Unknown is not harmless: it could be anything, from a driver to remote access; check it, or add a rule (docs/rules.md).
   *[other] Not rated: { $count } components. No rule says who controls them or how risky they are. Unknown is not harmless: each could be anything, from a driver to remote access; check them, or add a rule (docs/rules.md).
}

## The summary lines below the table and atop `sovscan summary`.
table-image = Image { $id }: { $root } ({ $os })
table-components = Components: { $count }
table-products = Products: { $count } from { $components ->
    [one] { $components } component
   *[other] { $components } components
}
table-counts = { $counted } ({ $resolved } resolved, { $unknown } unknown vendor; coverage { $coverage })   Binaries: { $binaries } ({ $unowned } not owned by a package)
table-risk = Risk: { $levels }   weakest level: { $weakest }
table-index-products = Sovereignty index: { $index } / 100 over { $count } workplace products (role-weighted; docs/model.md)
table-index-components = Sovereignty index: { $index } / 100 over { $count } workplace components (role-weighted; docs/model.md)
table-oss = Open-source share of workplace software: { $count } by count, { $weighted } by role weight; target { $target } by { $year }
table-jurisdictions = Controller jurisdictions (role-weighted): EU/EEA { $eu } · adequacy { $adequacy } · US { $us } · CN/RU { $cnru } · other { $other } · community { $community } · unknown { $unknown }
table-concentration = Vendor concentration: HHI { $hhi }; largest: { $top }{ $single }
table-single-points = ; single points of dependency: { $names }
table-problems = Errors: { $errors } · skipped: { $skipped } · warnings: { $warnings }   Rules: { $version } ({ $date })

## `sovscan summary`: the controllers, and one line per image.
summary-col-controller = controller
summary-col-country = country
summary-col-share = share of role weight
summary-col-high-roles = high and very-high roles
summary-image = Image { $id } ({ $root }): index { $index }, weakest level { $weakest }, open source { $oss } by count
