"""Per-message work Rasa repeats needlessly, done once instead (measured by benchmarks/load.py).

- Rasa 3.6 validates every action server response with `jsonschema.validate(result, schema)`,
  which builds a validator class and checks the schema itself on every call. The schema is a
  constant, so one compiled validator does the same check for a fraction of the CPU. Errors are
  reported exactly as Rasa reports them (a ValidationError with Rasa's hint appended).
- Rasa's SQL tracker store on SQLite opens a new database connection for every read and write
  (SQLAlchemy 1.4's default for SQLite files) in rollback-journal mode with a full fsync per
  commit: about a fifth of the server's CPU under load. `pool_sqlite_tracker_store` gives it a
  pool of connections in WAL mode with synchronous=NORMAL (durable at every checkpoint, and a
  crash loses at most the last transactions, never the database), as the app database has.
- Rasa runs every policy for every prediction and then takes the most confident one, the
  RulePolicy winning ties. A rule that applies is certain (confidence 1.0) and has the highest
  priority, so nothing else can win: `predict_with_rules_first` asks the RulePolicy first and runs
  TED and memoization only when no rule applies (most turns here are rules: forms, the help
  centre, handoff). The result is the one the ensemble would have picked: the same prediction,
  events and flags; a turn right after a rejected action, or with a follow-up action, takes
  Rasa's full path.
"""

from __future__ import annotations

import functools
from typing import Any, Dict, Optional

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


def pool_sqlite_tracker_store(tracker_store: Any) -> bool:
    """Pooled WAL connections for Rasa's SQLTrackerStore on SQLite; True if it was one."""
    import sqlalchemy as sa
    from sqlalchemy import event
    from sqlalchemy.pool import QueuePool

    store = getattr(tracker_store, "_tracker_store", tracker_store)  # Rasa wraps it in FailSafeTrackerStore
    engine = getattr(store, "engine", None)
    if engine is None or engine.dialect.name != "sqlite" or not hasattr(store, "sessionmaker"):
        return False
    pooled = sa.create_engine(
        engine.url,
        poolclass=QueuePool,
        pool_size=5,
        max_overflow=10,
        connect_args={"check_same_thread": False, "timeout": 30},
    )

    @event.listens_for(pooled, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    engine.dispose()
    store.engine = pooled
    store.sessionmaker = sa.orm.session.sessionmaker(bind=pooled)
    return True


def _rule_node(processor: Any) -> Optional[str]:
    """The name of the RulePolicy node in the model's prediction graph (cached per processor)."""
    from rasa.core.policies.rule_policy import RulePolicy

    cached = getattr(processor, "_rule_node_name", False)
    if cached is not False:
        return cached
    nodes = processor.model_metadata.predict_schema.nodes
    name = next(
        (n for n, node in nodes.items() if isinstance(node.uses, type) and issubclass(node.uses, RulePolicy)), None
    )
    processor._rule_node_name = name
    return name


def _after_rejection(tracker: Any) -> bool:
    from rasa.shared.core.events import ActionExecuted, ActionExecutionRejected

    for event in reversed(tracker.events):
        if isinstance(event, (ActionExecutionRejected, ActionExecuted)):
            return isinstance(event, ActionExecutionRejected)
    return False


def predict_with_rules_first(original: Any) -> Any:
    from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
    from rasa.engine.constants import PLACEHOLDER_TRACKER

    @functools.wraps(original)
    def predict(self: Any, tracker: Any) -> Any:
        node = _rule_node(self)
        if node is not None and not tracker.followup_action and not _after_rejection(tracker):
            prediction = self.graph_runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=[node])[node]
            if prediction.max_confidence >= 1.0 and not prediction.is_end_to_end_prediction:
                return DefaultPolicyPredictionEnsemble._pick_best_policy([prediction])
        return original(self, tracker)

    return predict


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    from rasa.core.processor import MessageProcessor

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    MessageProcessor._predict_next_with_tracker = predict_with_rules_first(  # type: ignore[method-assign]
        MessageProcessor._predict_next_with_tracker
    )
