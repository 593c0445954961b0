# `sovscan plan`: the migration plan for a terminal and in Markdown (and
# the HTML page, which stays English). The plan's notes and reasons are
# part of the plan's JSON and stay as the planner writes them.

plan-no-capacity = no capacity limit
plan-capacity-points = { $points } effort points a year
plan-capacity-migrations = at most { $n } migrations a year
plan-capacity-both = { $points } effort points and at most { $n } migrations a year
plan-target = Target: { $share } open-source share by role weight by { $year }, from { $from }; { $capacity }.
plan-already-reached = The target is already reached.
plan-reached = The target is reached in { $year }.
plan-figures = open source { $weighted } by role weight ({ $count } by count), index { $index }, US { $us }, CN/RU { $cnru }, HHI { $hhi }, { $critical } critical, { $high } high
plan-switch = { $from } ({ $level }) → { $to } ({ $country }, { $license }, { $open }), effort { $effort }: { $why }

## For a terminal.
plan-now = Now: { $figures }
plan-phase-line = Phase { $n } ({ $year }), { $points } effort points:
plan-blockers = blockers: { $list }
plan-after = after: { $figures }
plan-stays = stays: { $list }
plan-kept = Stays:
plan-what-if-now = Now:   { $figures }
plan-what-if-after = After: { $figures }

## Markdown.
plan-title = Migration plan
plan-phase = Phase { $n } ({ $year }): { $points } effort points
plan-md-kept = What stays
plan-md-kept-columns = product | level | why
plan-md-figure-columns = year | open source (weight) | open source (count) | index | US | CN/RU | HHI | critical | high
plan-md-now = now
plan-md-after-phase = after phase { $n }
plan-md-stays = Stays after this phase: { $list }
plan-what-if-title = What if
plan-md-what-if-now = now: { $figures }
plan-md-what-if-after = after: { $figures }
plan-col-from = from
plan-col-level = level
plan-col-to = to
plan-col-controller = controller
plan-col-licence = licence
plan-col-effort = effort
plan-col-why = why now
plan-col-blockers = blockers
plan-col-eu-hosting = EU hosting

## Why a replacement comes when it does (the plan JSON's `reason`).
plan-reason-hard-gate = hard gate
plan-reason-critical = critical
plan-reason-gain-per-effort = gain per effort
plan-reason-what-if = what-if
