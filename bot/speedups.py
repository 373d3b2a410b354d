"""Per-message work Rasa repeats needlessly, done once instead (measured by benchmarks/load.py).

Rasa 3.6 validates every action server response with `jsonschema.validate(result, schema)`,
which builds a validator class and checks the schema itself on every call. The schema is a
constant, so one compiled validator does the same check for a fraction of the CPU. Errors are
reported exactly as Rasa reports them (a ValidationError with Rasa's hint appended).
"""

from __future__ import annotations

import functools
from typing import Any, Dict

from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_installed = False


@functools.lru_cache(maxsize=1)
def _validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    assert isinstance(error, ValidationError)
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
