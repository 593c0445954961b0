# The sovereignty report (md, html): every word of src/report/document/.
# Numbers and dates arrive formatted for the language ($share = "68.1 %").

report-title = Sovereignty report
contents = Contents
footer = Produced by { $tool } (report schema { $schema }), offline and read-only. The figures follow the model in docs/model.md; the JSON report holds every detail.
lead-question-one = How dependent is this workstation image on foreign-controlled software vendors?
lead-question-many = How dependent are these workstation images on foreign-controlled software vendors?
cover-organisation = Organisation
cover-period = Period
cover-date = Date of the scan
cover-rules = Rule database
cover-tool = Produced by

## Words used in many places.
rep-none = none
rep-unknown = unknown
rep-community = community
rep-no-country = no country
not-identified = not identified
role-weighted = role-weighted
no-workplace-products = no workplace products
rep-licence = licence
licence-open = open source
licence-proprietary = proprietary
licence-not-stated = not stated
rep-figure = Figure { $number }.
rep-others = { $count } others
single-point = single point
rep-evidence = evidence
rep-match = match
no-match = no rule matched
rep-more-items = … { $count } more (--appendix full)
rep-confidence = confidence

## Section titles and their entries in the table of contents.
sec-summary = Management summary
sec-image = Image
sec-figures = Key figures
sec-jurisdictions = Jurisdiction mix
nav-jurisdictions = Jurisdictions
sec-concentration = Vendor concentration
nav-concentration = Concentration
sec-categories = Levels by category
sec-dependencies = Critical and high dependencies
nav-dependencies = Critical and high
sec-medium = Medium dependencies on US, Chinese or Russian vendors
nav-medium = Medium (US, CN, RU)
sec-laws = Laws with reach abroad
sec-unresolved = Unresolved products
nav-unresolved = Unresolved
sec-measures = Measures
sec-model = Model in force
sec-appendix = Appendix: evidence
nav-appendix = Evidence

## Management summary.
summary-oss = Open-source share
summary-oss-target = { " " }by role weight; target { $target } by { $year }
summary-us = Controlled from abroad
summary-us-value = { $us } of the role weight under US control, { $cnru } under Chinese or Russian control
summary-levels = Dependencies
summary-levels-value = { $critical } critical, { $high } high, { $medium } medium under US, Chinese or Russian control
summary-trend = Trend
summary-trend-value = index { $then } → { $now }{ $delta }, open-source share { $ossthen } → { $ossnow } since the scan of { $date }
summary-findings = The three most important findings
summary-actions = The top actions of the plan
finding = controlled by { $controller }.
finding-foreign = controlled by { $controller }, within reach of foreign laws.
finding-alternative = Alternative: { $name }.

## Table columns.
rep-col-image = image
col-root = root
col-os = operating system
col-identified-by = identified by
col-products = products
col-binaries = binaries
col-figure = figure
col-value = value
col-index = index
col-weakest = weakest level
col-oss-count = open source by count
col-oss-weight = open source by role weight
col-share = share
col-jurisdiction = jurisdiction
col-controller = controller
col-country = country
col-weight-share = share of role weight
col-high-roles = high and very-high roles
rep-col-category = category
col-total = total
col-rule = rule
col-dimension = dimension
col-score = score
col-rationale = rationale
col-exposure = exposure
rep-col-product = product
col-source = source
col-evidence = evidence
col-evidence-items = evidence items
col-level = level
col-match = match
per-image = Per image

## Key figures.
fig-index = Sovereignty index
fig-index-note = 100: no exposure; role-weighted over { $count } workplace products
fig-weakest = Weakest level
fig-oss-count = Open-source share by count
fig-oss-count-value = { $share } of workplace products (target { $target } by { $year })
fig-oss-weight = Open-source share by role weight
fig-levels = Products by level
fig-products = Products
fig-products-value = { $products } from { $components } components ({ $resolved } resolved to a controller, { $unknown } unknown vendor; coverage { $coverage })
fig-binaries = Binaries
fig-binaries-value = { $binaries } ({ $unowned } not owned by a package)
fig-problems = Problems
fig-problems-value = { $errors } errors, { $skipped } skipped, { $warnings } warnings (listed in the JSON report)
target-reached = target reached
target-below = { $points } points below the target
card-index-text = 100 means no exposure; role-weighted over { $count } workplace products.
card-oss = Open-source share
card-oss-meter = open-source share against the target
card-oss-text = by role weight; { $count } by count. Target
card-oss-by = by { $year }{ $togo }.
card-oss-to-go = : { $points } points to go
card-coverage = Coverage
card-coverage-text = { $products } products from { $components } components, { $resolved } resolved to a controller, { $unknown } with an unknown vendor. { $binaries } binaries ({ $unowned } not owned by a package). { $errors } errors, { $skipped } skipped.

## Jurisdictions, concentration, categories.
bloc-eu = EU/EEA
bloc-adequacy = EU adequacy
bloc-us = US
bloc-cn-ru = CN/RU
bloc-other = other third countries
bloc-community = community (no controlling company)
bloc-unknown = unknown
jurisdictions-md = The ultimate controllers' jurisdictions, weighted by the role of each workplace product.
fig1-caption = Jurisdictions of the ultimate controllers, weighted by the role of each workplace product.
hhi = Herfindahl–Hirschman index
hhi-of = of 10,000
hhi-high = highly concentrated
hhi-moderate = moderately concentrated
hhi-low = not concentrated
no-single-point-md = No single point of dependency.
no-single-point = No controller is a single point of dependency.
single-points = Single points of dependency (three or more high or very-high roles):
fig2-caption = Controllers' shares of the role weight of the resolved workplace products (largest first; single points of dependency in red).
fig3-caption = Workplace products per category, by risk level (worst categories first).

## Dependency cards.
deps-none = None: no product is rated critical or high.
deps-intro = { $count } products, worst first. Each with its explanation: who controls it, which laws reach that controller, which rules of the model fired, how the level follows, and the alternatives the rule database knows.
medium-intro = { $count } products rated medium whose controller is in the US, China or Russia: a plan to reduce that dependency must cover them too. Each in short; the laws are explained once below.
entry-product = Product and role
entry-controller = Controller
entry-jurisdiction = Jurisdiction
entry-rules = Rules fired
entry-mitigations = Mitigations
entry-dimensions = Dimensions
entry-assessment = Assessment
entry-gates = Hard gates
entry-gates-floors = Gates and floors
entry-alternatives = Alternatives
entry-evidence = Evidence
rep-chain = chain
chain-since = , controlled by the next since { $date }
jurisdiction-none = none (no controlling company)
jurisdiction-no-law = { $country }; no law with extraterritorial reach on record
jurisdiction-laws = { $country }; laws with reach abroad:
see-laws = see “Laws with reach abroad”
alternatives-none = none in the rule database
alternative-detail = { $category }, { $licence }, controller { $controller } ({ $country })
score-line = exposure { $exposure } × impact { $impact } = { $score } → { $level }
score-line-unknown = no vendor identified → { $level }
thresholds = medium from { $medium }, high from { $high }, critical from { $critical }
weights-levels = weights D1..D6: { $weights }; levels: { $levels }
mitigation-for = mitigation for
mitigation = { $target }: { $dimension } { $from } → { $to } ({ $justification }; approved by { $approver } until { $expires })
gate-critical = the level is critical
gate-title = Hard gate { $gate }
floor-title = Floor { $gate } (at least { $level })
dim-d1 = D1 legal exposure
dim-d2 = D2 control stability
dim-d3 = D3 data flows
dim-d4 = D4 operational autonomy
dim-d5 = D5 openness and exit
dim-d6 = D6 supply chain
dim-d7 = D7 role and privilege (impact)

## Laws.
laws-intro = The laws that reach the controllers of the dependencies above, each explained once; the cards refer to them by name.
laws-reaches = Reaches: { $products }

## Unresolved products, model, appendix.
unresolved-none = None: every product was resolved to a controller.
unresolved-intro-md = No rule identified the vendor of these products; they count with the highest exposure ({ $exposure }) in the index until a rule names them.
unresolved-intro = No rule identified the vendor of these { $count } products; they count with the highest exposure ({ $exposure }) in the index until a rule names them.
model-weights = Weights
model-weights-d = Weights (D1..D6)
model-levels-md = Risk score = exposure × impact; levels
model-levels = Levels
model-levels-value = risk score = exposure × impact; { $thresholds }
model-unresolved-md = Exposure of an unresolved product
model-unresolved-md-value = { $exposure }; single point of dependency from { $roles } high or very-high roles
model-unresolved = Unresolved products
model-unresolved-value = counted with exposure { $exposure }
model-single-point = Single point of dependency
model-single-point-value = a controller with { $roles } or more high or very-high roles
model-target = Open-source target
model-target-value = { $target } by { $year }
model-policy = Policy
model-policy-value = { $policy }; mitigations in force: { $mitigations }
model-rules = Rule database
model-rules-value = { $version } ({ $date }), { $files } files
appendix-intro = Every product, worst first: where its members were found and which rule patterns identified it.
appendix-summary-intro = Products and pieces of evidence per source; then the worst products with their evidence. Every product is in the full appendix (--appendix full) and in the JSON report.
appendix-top = The { $count } worst products
appendix-more = { $count } more products: --appendix full lists them all.
appendix-line = id: { $id }; source { $source }; category { $category }; controller { $controller }
match-line = { $field } “{ $value }” matches “{ $pattern }” ({ $confidence }

## Measures (the migration plan).
plan-action = { $year }: { $from } → { $to } ({ $country }, { $licence }; effort { $effort }): open-source share +{ $oss } points, index +{ $index }
plan-reaches = The plan reaches it in { $year }.
plan-reaches-earliest = The plan reaches it in { $year } at the earliest.
plan-not-reached = The plan does not reach it.
rep-plan-target = Target: { $target } open-source share by role weight by { $year }, from { $start }. { $reached }
plan-top-five = The five actions with the most effect
fig4-caption = The open-source share by role weight and the index after each phase of the plan; the dashed line is the target share.
rep-plan-now = now
rep-plan-phase = phase { $number }
plan-col-step = step
plan-col-year = year
plan-col-replacements = replacements
plan-col-oss-weight = open source (weight)
plan-col-oss-count = open source (count)
rep-plan-stays = What stays
