"""HTTP concerns shared by the Rasa server's routes: request guards and proxy-aware client info."""
