"""Loading Rasa's TensorFlow models (DIET, TED) in half the time.

Rasa builds a loaded model's weights by training it on one example before reading the saved
weights over them (`RasaModel.load`: compile, `fit` one batch, `load_weights`). That step runs
through a traced TensorFlow graph; tracing the training step is what made DIET and TED take
11 s and 13 s to load here (of a server's ~40 s start; a test run starts ~30 servers). Its
result is thrown away: the saved weights replace it. Here the weights are built by one forward
pass and its loss, run eagerly, without the optimizer (whose saved slots only fine-tuning
reads), then the saved weights are loaded and the predict function is traced as Rasa does.
Fine-tuning, and any model class not listed, take Rasa's own path.

A first try kept the training step and only ran it eagerly: TED's optimizer slots then got other
names than the checkpoint's, the restore failed, and Rasa's TEDPolicy.load quietly served an
untrained policy. tests/test_model_loading.py loads the trained model both ways and compares
every weight and the predictions of both models; that is what caught it.
"""

from __future__ import annotations

from typing import Any, Optional

_installed = False
RASA_LOAD: Optional[Any] = None  # Rasa's own `RasaModel.load` (the function), once installed
EAGER_BUILD = {"DIET", "TED"}  # the model classes proven to load the same way (see above)


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
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=config.get(RUN_EAGERLY)
    )
    # Build every layer's weights with one forward pass and its loss, eagerly: what the one
    # training step did, without the optimizer (whose slots only fine-tuning needs).
    batch_in, _ = RasaBatchDataGenerator(model_data_example, batch_size=1, shuffle=False)[0]
    model._training = True
    model.batch_loss(batch_in)
    model._training = None
    model.load_weights(model_file_name).expect_partial()  # the optimizer's saved state is not needed to predict
    if predict_data_example:
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
