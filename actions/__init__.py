"""Custom actions (rasa-sdk), one module per area. `rasa run actions` registers them all."""
