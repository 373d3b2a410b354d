"""Loading Rasa's intent model (DIET) in a third of the time.

Rasa builds a loaded model's weights by training it on one example before reading the saved
weights over them (`RasaModel.load`). That one step runs through a traced TensorFlow graph,
and tracing the training step is what made DIET take 11 s to load here (of a server's 40 s
start; a test run starts ~30 servers). The step changes nothing that stays: the saved weights
replace its result. Run eagerly, it takes about a second; the rest is Rasa's own code path, in
the same order, and the model is then compiled as configured, so predictions run through the
traced predict function as before. tests/test_model_loading.py loads the trained model both
ways and compares every weight and the predictions.

Only for DIET, and only to predict (not to fine-tune): TED's optimizer slots, created eagerly,
are named differently from the checkpoint's, its restore fails, and Rasa's TEDPolicy.load then
quietly falls back to an untrained policy; that test caught it. Every other model, and any
fine-tuning, goes through Rasa's own loading.
"""

from __future__ import annotations

from typing import Any, Optional

_installed = False
RASA_LOAD: Optional[Any] = None  # Rasa's own `RasaModel.load` (the function), once installed
EAGER_BUILD = {"DIET"}  # the model classes proven to load the same way (see above)


def _load(
    cls: Any,
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Optional[Any] = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> Any:
    if finetune_mode or cls.__name__ not in EAGER_BUILD:
        assert RASA_LOAD is not None
        return RASA_LOAD(cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs)

    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    run_eagerly = config.get(RUN_EAGERLY)
    # the one step that gives the weights their shapes, eagerly (no graph to trace)
    model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True)
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    model.load_weights(model_file_name)
    model.compile(optimizer=model.optimizer, run_eagerly=run_eagerly)  # as Rasa configured it
    if not finetune_mode and predict_data_example:
        model.run_inference(predict_data_example)  # trace the predict function now, as Rasa does
    return model


def install() -> None:
    global _installed, RASA_LOAD
    if _installed:
        return
    _installed = True
    from rasa.utils.tensorflow.models import RasaModel

    RASA_LOAD = RasaModel.load.__func__  # type: ignore[attr-defined]
    RasaModel.load = classmethod(_load)  # type: ignore[method-assign,assignment]
