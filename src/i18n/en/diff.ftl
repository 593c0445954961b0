# `sovscan diff`: the drift between two saved scans, as text and Markdown.

diff-added = Added ({ $count })
diff-removed = Removed ({ $count })
diff-changed = Changed ({ $count })
diff-added-entry = + { $name } { $version } (vendor { $vendor }, level { $level })
diff-removed-entry = - { $name } { $version } (vendor { $vendor }, level { $level })
diff-field-version = version
diff-field-vendor = vendor
diff-field-level = level
diff-aggregates = Aggregates
diff-index = index: { $delta }
diff-oss-share = open-source share (count): { $delta }
diff-coverage = coverage: { $delta }
