"""Customer channels: one package per platform (slack/, telegram/, webchat/) plus REST.

Each channel only converts: a platform's events become Rasa `UserMessage`s handed to the
assistant, and the assistant's messages become platform calls. Its output channel is also its
`Outbound` (bot/outbound.py), through which the handoff reaches the customer. The composition
root (bot/app.py) builds the channels from the settings and registers their outbounds; no
channel imports the handoff or the desk. Shared helpers are in `common.py`.
"""
