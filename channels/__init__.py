"""Customer channels: one module per platform, each a Rasa InputChannel/OutputChannel pair.

A channel is enabled when its credentials are in the environment; each module exposes
`from_settings(settings) -> Optional[InputChannel]` and keeps its own configuration
(read from the environment) next to its code.
"""

from __future__ import annotations

import importlib
from typing import List

from rasa.core.channels.channel import InputChannel

from bot.intake import Intake
from bot.settings import Settings

CHANNEL_MODULES = ("channels.webchat", "channels.slack", "channels.telegram")


def enabled_channels(settings: Settings, intake: Intake) -> List[InputChannel]:
    channels: List[InputChannel] = []
    for module_name in CHANNEL_MODULES:
        channel = importlib.import_module(module_name).from_settings(settings, intake)
        if channel is not None:
            channels.append(channel)
    return channels
