"""Figures as data: the measure vocabulary (`vocabulary.toml`, loaded by `vocabulary`), the measure
record (`record`), reading sentences into records (`reading`), and the pure logic that lines
councils up on a measure: which record represents a council, comparable groups, rankings, filters,
averages and comparisons with a comparator (`ranking`), named councils side by side on the one
measure a topic names (`side_by_side`). Nothing here touches the store."""
