"""Bad input to every public entry point of dlcourse.nn gets a clear error.

Each error is a ValueError (a TypeError where the type is wrong) whose message names the
argument and shows what was received, in Keras' style, e.g. ``Argument `units` must be a
positive integer. Received: units=-3``; never a silent broadcast, a NaN loss or an exception
from deep inside NumPy. The label formats (one-hot to a sparse loss, integers to a categorical
one, labels out of range) are checked both in the loss functions and through ``model.fit``."""

from __future__ import annotations

import numpy as np
import pytest

from dlcourse.nn import Sequential, losses, utils
from dlcourse.nn.layers import Activation, Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from dlcourse.nn.optimizers import SGD

RNG = np.random.default_rng(0)
X = RNG.normal(size=(10, 4))
LABELS = RNG.integers(0, 3, 10)
ONE_HOT = np.eye(3)[LABELS]


def classifier(loss="sparse_categorical_crossentropy", compile=True):
    model = Sequential(
        [Dense(5, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")], seed=0
    )
    if compile:
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    return model


# -------------------------------------------------------------------------- constructors ---


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda: Dense(-3), r"Argument `units` must be a positive integer\. Received: units=-3"),
        (lambda: Dense(0), r"`units`.*Received: units=0"),
        (lambda: Dense(2.5), r"`units`.*Received: units=2\.5"),
        (lambda: Dense("8"), r"`units`.*Received: units='8'"),
        (lambda: Conv2D(0, 3), r"`filters`.*Received: filters=0"),
        (lambda: Conv2D(-2, 3), r"`filters`.*Received: filters=-2"),
        (lambda: Conv2D(2, 0), r"`kernel_size`.*Received: kernel_size=\(0, 0\)"),
        (lambda: Conv2D(2, (3, -1)), r"`kernel_size`.*Received: kernel_size=\(3, -1\)"),
        (lambda: Conv2D(2, (3, 3, 3)), r"`kernel_size`.*Received: kernel_size=\(3, 3, 3\)"),
        (lambda: Conv2D(2, 3, strides=0), r"`strides`.*Received: strides=\(0, 0\)"),
        (lambda: Conv2D(2, 3, padding="full"), r"`padding`.*Received: padding='full'"),
        (lambda: Conv2D(2, 3, data_format="channels_first"), r"data_format='channels_first'"),
        (lambda: MaxPooling2D(0), r"`pool_size`.*Received: pool_size=\(0, 0\)"),
        (lambda: MaxPooling2D(2, strides=-1), r"`strides`.*Received: strides=\(-1, -1\)"),
        (lambda: MaxPooling2D(padding="causal"), r"`padding`.*Received: padding='causal'"),
        (lambda: Dropout(1.0), r"`rate` must be in \[0, 1\)\. Received: rate=1\.0"),
        (lambda: Dropout(-0.1), r"`rate`.*Received: rate=-0\.1"),
        (lambda: Dropout(1.5), r"`rate`.*Received: rate=1\.5"),
        (lambda: Dropout(0.5, seed=-1), r"`seed`.*Received: seed=-1"),
        (lambda: Dense(3, activation="swish"), r"activation 'swish'.*activation='swish'"),
        (lambda: Activation("gelu"), r"activation 'gelu'.*activation='gelu'"),
        (lambda: Dense(3, input_shape=(0,)), r"`input_shape`.*Received: input_shape=\(0,\)"),
        (lambda: Dense(3, input_dim=-1), r"input_shape=\(-1,\)"),
        (lambda: Dense(3, input_dim=4, input_shape=(4,)), r"either `input_shape` or `input_dim`"),
        (lambda: Dense(3, name=""), r"`name` must be a non-empty string"),
        (lambda: Dense(3, dtype="int32"), r"`dtype` must be a floating dtype.*dtype='int32'"),
        (lambda: Flatten(data_format="channels_first"), r"data_format='channels_first'"),
    ],
)
def test_layer_constructors(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel_initializer": "xavier"},
        {"bias_initializer": "nope"},
        {"kernel_regularizer": "l3"},
        {"bias_regularizer": "weight_decay"},
    ],
)
def test_unknown_initializer_or_regularizer_is_refused_at_construction(kwargs):
    ((name, value),) = kwargs.items()
    with pytest.raises(ValueError, match=rf"{name}='{value}'"):
        Dense(3, **kwargs)
    with pytest.raises(ValueError, match=rf"{name}='{value}'"):
        Conv2D(3, 3, **kwargs)


# ------------------------------------------------------------------------ layer forward ---


@pytest.mark.parametrize("noise_shape", [(3,), (8, 2), (1, 8, 6)])
def test_dropout_refuses_a_noise_shape_that_does_not_fit(noise_shape):
    layer = Dropout(0.5, noise_shape=noise_shape, seed=0)
    with pytest.raises(ValueError, match=r"noise_shape"):
        layer.forward(np.ones((8, 6)), training=True)


@pytest.mark.parametrize(
    ("layer", "x", "error", "pattern"),
    [
        (Dense(3), np.ones(4), ValueError, r"at least 2 dimensions.*received shape \(4,\)"),
        (Dense(3), np.array([[1.0, np.nan]]), ValueError, r"NaN or inf"),
        (Dense(3), np.array([[1.0, np.inf]]), ValueError, r"NaN or inf"),
        (Dense(3), np.array([["a", "b"]]), TypeError, r"expected numeric input"),
        (Conv2D(2, 3), np.ones((2, 5, 5)), ValueError, r"\(N, H, W, C\).*\(2, 5, 5\)"),
        (Conv2D(2, 5), np.ones((1, 3, 3, 1)), ValueError, r"smaller than the kernel \(5, 5\)"),
        (MaxPooling2D(3), np.ones((1, 2, 2, 1)), ValueError, r"smaller than the pool \(3, 3\)"),
        (MaxPooling2D(), np.ones((4, 4)), ValueError, r"\(N, H, W, C\).*\(4, 4\)"),
        (Flatten(), np.ones(3), ValueError, r"received shape \(3,\)"),
    ],
)
def test_layer_forward_refuses_bad_input(layer, x, error, pattern):
    with pytest.raises(error, match=pattern):
        layer.forward(x)


def test_a_built_layer_refuses_another_feature_size():
    layer = Dense(3)
    layer.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"expected input of shape \(None, 4\), received shape"):
        layer.forward(np.ones((2, 5)))
    conv = Conv2D(2, 3)
    conv.forward(np.ones((1, 5, 5, 1)))
    with pytest.raises(ValueError, match=r"\(None, 5, 5, 1\).*\(1, 5, 5, 3\)"):
        conv.forward(np.ones((1, 5, 5, 3)))


# --------------------------------------------------------------------------------- losses ---


SPARSE = [losses.sparse_categorical_crossentropy, losses.SparseCategoricalCrossentropy()]
CATEGORICAL = [losses.categorical_crossentropy, losses.CategoricalCrossentropy()]


def call_loss(loss, y, p):
    """Both the function form and the class form (value and gradient) are checked."""
    if isinstance(loss, losses.Loss):
        with pytest.raises(ValueError) as value_error:
            loss.gradient(y, p)
        loss(y, p)
        raise AssertionError(f"value accepted what gradient refused: {value_error.value}")
    loss(y, p)


@pytest.mark.parametrize("loss", SPARSE, ids=["function", "class"])
def test_one_hot_labels_to_a_sparse_loss(loss):
    with pytest.raises(ValueError, match=r"one-hot"):
        call_loss(loss, ONE_HOT, ONE_HOT * 0.8 + 0.05)


@pytest.mark.parametrize("loss", CATEGORICAL, ids=["function", "class"])
def test_integer_labels_to_a_categorical_loss(loss):
    with pytest.raises(ValueError, match=r"integer class labels.*sparse_categorical_crossentropy"):
        call_loss(loss, LABELS, ONE_HOT * 0.8 + 0.05)


@pytest.mark.parametrize(
    ("labels", "pattern"),
    [
        (np.array([0, 1, 3]), r"labels in \[0, 3\).*from 0 to 3"),
        (np.array([-1, 1, 2]), r"labels in \[0, 3\).*from -1 to 2"),
        (np.array([0.0, 1.5, 2.0]), r"integer class labels.*non-integer"),
        (np.array([0, 1]), r"labels of shape \(3,\)"),
    ],
)
def test_sparse_labels_out_of_range_or_not_integers(labels, pattern):
    p = np.full((3, 3), 1 / 3)
    for loss in SPARSE:
        with pytest.raises(ValueError, match=pattern):
            call_loss(loss, labels, p)


def test_binary_targets_outside_0_1():
    for loss in (losses.binary_crossentropy, losses.BinaryCrossentropy()):
        with pytest.raises(ValueError, match=r"targets in \[0, 1\].*from 0\.0 to 3\.0"):
            call_loss(loss, np.array([[0.0], [3.0]]), np.array([[0.2], [0.7]]))


@pytest.mark.parametrize(
    "loss",
    [
        losses.mean_squared_error,
        losses.MeanSquaredError(),
        losses.binary_crossentropy,
        losses.CategoricalCrossentropy(),
    ],
)
def test_shape_mismatch_is_never_broadcast(loss):
    with pytest.raises(ValueError, match=r"same shape.*\(4, 3\).*\(4, 2\)"):
        call_loss(loss, np.zeros((4, 3)), np.full((4, 2), 0.5))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_in_predictions_and_targets(bad):
    p = np.array([[0.2, 0.8], [0.6, 0.4]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    for loss in (
        losses.MeanSquaredError(),
        losses.BinaryCrossentropy(),
        losses.CategoricalCrossentropy(),
    ):
        with pytest.raises(ValueError, match=r"`y_pred` must be finite"):
            call_loss(loss, y, np.where(p > 0.5, bad, p))
        with pytest.raises(ValueError, match=r"`y_true` must be finite"):
            call_loss(loss, np.where(y > 0.5, bad, y), p)


def test_sample_weight_of_the_wrong_shape_or_sign():
    loss = losses.MeanSquaredError()
    y = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"`sample_weight` must have shape \(4,\).*shape \(3,\)"):
        loss(y, y + 1, sample_weight=np.ones(3))
    with pytest.raises(ValueError, match=r"`sample_weight` must have shape \(4,\)"):
        loss.gradient(y, y + 1, sample_weight=np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"`sample_weight` must be non-negative"):
        loss(y, y + 1, sample_weight=-np.ones(4))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the 0/0 of the bug itself
@pytest.mark.parametrize("row", [[0.0, 0.0, 0.0], [0.5, -0.5, 0.0]])
def test_categorical_crossentropy_refuses_rows_that_sum_to_zero(row):
    with pytest.raises(ValueError, match=r"`y_pred`"):
        losses.categorical_crossentropy(np.array([[1.0, 0.0, 0.0]]), np.array([row]))


def test_loss_arguments():
    with pytest.raises(ValueError, match=r"`reduction`.*Received: reduction='avg'"):
        losses.BinaryCrossentropy(reduction="avg")
    with pytest.raises(ValueError, match=r"axis=0"):
        losses.categorical_crossentropy(ONE_HOT, ONE_HOT, axis=0)
    with pytest.raises(TypeError, match=r"`y_pred` must hold numbers"):
        losses.mean_squared_error([[1.0]], [["x"]])


# ------------------------------------------------------------------------------ to_categorical ---


def test_to_categorical_refuses_bad_labels():
    with pytest.raises(ValueError, match=r"`y`.*label 5.*num_classes=3"):
        utils.to_categorical([0, 5], num_classes=3)
    with pytest.raises(ValueError, match=r"`y`.*non-negative.*-1"):
        utils.to_categorical([0, -1])
    with pytest.raises(ValueError, match=r"`y` must hold integer.*0\.5"):
        utils.to_categorical([0.5, 1.0])
    with pytest.raises(ValueError, match=r"`num_classes`.*num_classes=0"):
        utils.to_categorical([0, 1], num_classes=0)
    with pytest.raises(ValueError, match=r"`y`.*shape \(2, 3\)"):
        utils.to_categorical(np.zeros((2, 3), dtype=int))


# ------------------------------------------------------------------------ compile and fit ---


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"optimizer": "adamw", "loss": "mse"}, r"optimizer 'adamw'"),
        ({"optimizer": "adam", "loss": "hinge"}, r"loss 'hinge'.*Received: loss='hinge'"),
        ({"optimizer": "adam", "loss": "mse", "metrics": ["f1"]}, r"metric 'f1'.*metrics=\['f1'\]"),
        ({"optimizer": "adam", "loss": "mse", "metrics": "accuracy"}, r"`metrics` must be a list"),
        ({"optimizer": "adam"}, r"`loss` is required"),
    ],
)
def test_compile_refuses_unknown_shortcuts(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        classifier(compile=False).compile(**kwargs)


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_fit_or_evaluate_before_compile_is_a_value_error(method):
    with pytest.raises(ValueError, match=r"compile\(\)"):
        getattr(classifier(compile=False), method)(X, LABELS, verbose=0)


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_fit_or_evaluate_before_compile_says_so(method):
    with pytest.raises((RuntimeError, ValueError), match=rf"compile\(\) before {method}"):
        getattr(classifier(compile=False), method)(X, LABELS, verbose=0)


@pytest.mark.parametrize("what", ["summary", "set_weights", "load_weights", "count_params"])
def test_using_an_unbuilt_model_says_how_to_build_it(what):
    model = Sequential([Dense(3)])
    args = {"set_weights": ([],), "load_weights": ("w.npz",)}.get(what, ())
    with pytest.raises(ValueError, match=rf"not yet been built, so `{what}`.*input_shape"):
        getattr(model, what)(*args)


FIT_CASES = [
    # (description, fit kwargs, error, pattern)
    ("lengths", {"y": LABELS[:9]}, ValueError, r"`x` and `y`.*10 samples.*9 samples"),
    ("features", {"x": X[:, :3]}, ValueError, r"expected `x` of shape \(None, 4\).*\(10, 3\)"),
    ("rank", {"x": X[:, 0]}, ValueError, r"`x` must have at least 2 dimension"),
    ("nan x", {"x": np.where(X > 1, np.nan, X)}, ValueError, r"`x` must be finite"),
    ("inf x", {"x": np.where(X > 1, np.inf, X)}, ValueError, r"`x` must be finite"),
    ("nan y", {"y": np.where(LABELS > 1, np.nan, LABELS)}, ValueError, r"`y` must be finite"),
    ("text x", {"x": np.full((10, 4), "a")}, TypeError, r"`x` must hold numbers"),
    ("one-hot", {"y": ONE_HOT}, ValueError, r"`y` does not fit the loss.*one-hot"),
    ("range", {"y": LABELS + 1}, ValueError, r"`y`.*labels in \[0, 3\)"),
    ("negative", {"y": LABELS - 1}, ValueError, r"`y`.*labels in \[0, 3\)"),
    ("fractional", {"y": LABELS + 0.5}, ValueError, r"`y`.*non-integer"),
    ("batch 0", {"batch_size": 0}, ValueError, r"`batch_size`.*Received: batch_size=0"),
    ("batch -2", {"batch_size": -2}, ValueError, r"batch_size=-2"),
    ("batch 2.5", {"batch_size": 2.5}, ValueError, r"batch_size=2\.5"),
    ("epochs", {"epochs": -1}, ValueError, r"`epochs`.*Received: epochs=-1"),
    ("epochs 1.5", {"epochs": 1.5}, ValueError, r"epochs=1\.5"),
    ("split 1", {"validation_split": 1.0}, ValueError, r"`validation_split`.*=1\.0"),
    ("split <0", {"validation_split": -0.1}, ValueError, r"validation_split=-0\.1"),
    (
        "split both",
        {"validation_split": 0.2, "validation_data": (X, LABELS)},
        ValueError,
        "not both",
    ),
    ("val tuple", {"validation_data": (X,)}, ValueError, r"`validation_data` must be a tuple"),
    ("val one-hot", {"validation_data": (X, ONE_HOT)}, ValueError, r"`validation_data\[1\]`"),
    ("val shape", {"validation_data": (X[:, :2], LABELS)}, ValueError, r"`validation_data\[0\]`"),
    ("verbose", {"verbose": 3}, ValueError, r"`verbose`.*Received: verbose=3"),
    ("class_weight", {"class_weight": {0: 1.0}}, ValueError, r"`class_weight`.*\[1, 2\]"),
    (
        "class_weight list",
        {"class_weight": [1, 2, 3]},
        ValueError,
        r"`class_weight` must be a dict",
    ),
    ("sample_weight", {"sample_weight": np.ones(9)}, ValueError, r"`sample_weight`.*9 samples"),
    ("sample_weight nan", {"sample_weight": np.full(10, np.nan)}, ValueError, r"`sample_weight`"),
    ("callbacks", {"callbacks": [print]}, TypeError, r"`callbacks`"),
]


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [case[1:] for case in FIT_CASES],
    ids=[case[0] for case in FIT_CASES],
)
def test_fit_refuses_bad_arguments(kwargs, error, pattern):
    arguments = {"x": X, "y": LABELS, "verbose": 0, **kwargs}
    with pytest.raises(error, match=pattern):
        classifier().fit(**arguments)


def test_fit_refuses_integer_labels_for_a_categorical_loss():
    with pytest.raises(ValueError, match=r"`y` does not fit the loss 'categorical_crossentropy'"):
        classifier("categorical_crossentropy").fit(X, LABELS, verbose=0)


def test_fit_refuses_class_indices_for_binary_crossentropy():
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(4,))], seed=0)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    with pytest.raises(ValueError, match=r"`y`.*targets in \[0, 1\]"):
        model.fit(X, LABELS, verbose=0)


@pytest.mark.parametrize("method", ["evaluate", "predict"])
def test_evaluate_and_predict_refuse_bad_input(method):
    model = classifier()
    call = getattr(model, method)
    args = (lambda x: (x, LABELS)) if method == "evaluate" else (lambda x: (x,))
    with pytest.raises(ValueError, match=r"expected `x` of shape \(None, 4\)"):
        call(*args(X[:, :2]), verbose=0)
    with pytest.raises(ValueError, match=r"`x` must be finite"):
        call(*args(np.full((10, 4), np.nan)), verbose=0)
    with pytest.raises(ValueError, match=r"`batch_size`"):
        call(*args(X), batch_size=0, verbose=0)
    if method == "evaluate":
        with pytest.raises(ValueError, match=r"one-hot"):
            model.evaluate(X, ONE_HOT, verbose=0)
        with pytest.raises(ValueError, match=r"`x` and `y`"):
            model.evaluate(X, LABELS[:3], verbose=0)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the 0/0 of the bug itself
def test_fit_on_no_samples_says_so():
    with pytest.raises(ValueError, match=r"`x`"):
        classifier().fit(np.zeros((0, 4)), np.zeros(0, dtype=int), verbose=0)


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda: Sequential(Dense(3)), TypeError, r"`layers` must be a list"),
        (lambda: Sequential().add("dense"), TypeError, r"expects a dlcourse.nn layer.*'dense'"),
        (lambda: Sequential(seed=-1), ValueError, r"`seed`.*seed=-1"),
        (lambda: Sequential(seed=1.5), ValueError, r"`seed`.*seed=1\.5"),
        (lambda: Sequential(dtype="int32"), ValueError, r"`dtype`.*int32"),
        (lambda: Sequential([Dense(3)]).build((4,)), ValueError, r"batch dimension"),
        (lambda: Sequential([Dense(3)]).build((None, -1)), ValueError, r"input_shape=\(-1,\)"),
    ],
)
def test_sequential_construction(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


def test_an_empty_model_says_it_has_no_layers():
    model = Sequential()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"no layers"):
        model.fit(X, X, verbose=0)


# -------------------------------------------------------------------------------- diverging ---


def diverging_regression():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 5))
    y = x @ rng.normal(size=(5, 1))
    model = Sequential([Dense(16, activation="relu", input_shape=(5,)), Dense(1)], seed=0)
    model.compile(optimizer=SGD(1e6), loss="mse")
    return model, x, y


def test_diverging_training_raises_instead_of_returning_nan():
    model, x, y = diverging_regression()
    with np.errstate(all="ignore"), pytest.raises((FloatingPointError, ValueError)):
        history = model.fit(x, y, epochs=20, batch_size=8, verbose=0)
        # not reached when training raises; a NaN loss returned silently would fail here
        assert np.isfinite(history.history["loss"]).all()


def test_diverging_training_says_it_diverged():
    model, x, y = diverging_regression()
    with np.errstate(all="ignore"), pytest.raises((FloatingPointError, ValueError), match="diverg"):
        model.fit(x, y, epochs=20, batch_size=8, verbose=0)
