"""Census figures: imports, the missing-figure report and overrides."""
