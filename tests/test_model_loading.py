"""bot/model_loading.py loads Rasa's TensorFlow models (DIET, TED) faster; this checks that what
it loads predicts exactly what Rasa's own loading gives, on the trained assistant: each model is
loaded both ways and both predict on the example Rasa keeps for that purpose."""

from __future__ import annotations

from typing import Any, List

import numpy as np
import pytest

from bot import model_loading

pytestmark = [pytest.mark.model]


def _same(a: Any, b: Any, where: str = "") -> None:
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _same(x, y, f"{where}[{i}]")
    elif a is None or isinstance(a, (str, bytes)):
        assert a == b, where
    else:
        assert np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-5, atol=1e-6), where


def test_the_fast_load_predicts_what_rasas_own_load_predicts(model_path, monkeypatch):
    from rasa.core.agent import Agent
    from rasa.utils.tensorflow.models import RasaModel

    model_loading.install()
    rasa_load = model_loading.RASA_LOAD
    compared: List[str] = []
    failures: List[str] = []

    def both_ways(cls, model_file_name, model_data_example, predict_data_example=None, finetune_mode=False, **kwargs):
        args = (model_file_name, model_data_example, predict_data_example, finetune_mode)
        try:
            ours = model_loading._load(cls, *args, **kwargs)
            theirs = rasa_load(cls, *args, **kwargs)
            example = predict_data_example or model_data_example
            _same(ours.run_inference(example), theirs.run_inference(example), cls.__name__)
            for mine, rasas in zip(ours.get_weights(), theirs.get_weights(), strict=True):
                assert np.array_equal(mine, rasas), cls.__name__
        except BaseException as err:  # TEDPolicy.load turns a ValueError into an untrained policy: say it
            failures.append(f"{cls.__name__}: {err!r}")
            raise
        compared.append(cls.__name__)
        return ours

    monkeypatch.setattr(RasaModel, "load", classmethod(both_ways))
    agent = Agent.load(str(model_path))
    assert failures == []
    assert sorted(compared) == ["DIET", "TED"]
    assert agent.is_ready()
