"""Service analytics: what each conversation was (summary, recorder), the figures a support lead
reads (metrics), and the ways out of the numbers (report CLI, charts, CSV, article drafts).
Definitions: docs/ANALYTICS.md."""
